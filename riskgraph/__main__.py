from riskgraph.cli.app import main

main()
