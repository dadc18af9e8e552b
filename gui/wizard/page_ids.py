"""The wizard's page ids (QWizard.setPage), in one place so pages can name where they go next."""

PAGE_IDENTITY = 0
PAGE_SETTINGS = 1
PAGE_MANUAL = 2
PAGE_GOOGLE = 3
PAGE_TEST = 4
