from velocity.cli import entry

entry()
