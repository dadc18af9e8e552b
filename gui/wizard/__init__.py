"""Setting up and managing mail accounts: the wizard, Google sign-in, and what the accounts dialog reuses.

Entry points for the rest of the app: :func:`run_account_wizard` / :class:`AccountWizard` to add an account,
:class:`ReauthPrompter` to ask for a new Google sign-in when a refresh token is revoked.
"""

from .google_panel import GoogleSignInPanel
from .reauth import ReauthPrompter, SignInAgainDialog
from .services import WizardServices
from .wizard import AccountWizard, run_account_wizard

__all__ = [
    "AccountWizard",
    "GoogleSignInPanel",
    "ReauthPrompter",
    "SignInAgainDialog",
    "WizardServices",
    "run_account_wizard",
]
