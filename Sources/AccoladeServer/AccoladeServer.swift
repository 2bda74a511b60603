/// The HTTP API: `accolade serve`.
public enum AccoladeServerModule {}
