"""The widgets of the main window and the reader; they read through :mod:`gui.models` and send commands to the
account workers through :class:`gui.workers.accounts.AccountSession`."""
