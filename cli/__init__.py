"""The typer command-line interface: one module per command group (``*_cmd.py``)."""
