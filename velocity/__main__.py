from velocity.cli import main

main()
