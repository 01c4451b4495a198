import ArgumentParser
@main struct Wdl: ParsableCommand { func run() throws { print("wdl") } }
