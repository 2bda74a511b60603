import ArgumentParser

@main
struct Accolade: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Accolade")
}
