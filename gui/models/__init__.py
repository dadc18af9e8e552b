"""Qt item models over the local store: the mailbox tree, the message lists and the attachments of a message.

Views read only through these models; every custom role is in :mod:`gui.models.roles`.
"""
