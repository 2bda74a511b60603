extension String {
    /// The string right-aligned in `width` characters, `pad` filling on the left; unchanged when
    /// it is already that wide (table columns in the CLI, `U+00E9` code points in previews).
    public func leftPadded(to width: Int, with pad: Character = " ") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
