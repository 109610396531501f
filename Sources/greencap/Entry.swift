import GreencapCLI

@main
extension GreencapCommand {}
