"""Work that must not run on the GUI thread: QObjects moved to QThreads, talking to views through signals."""
