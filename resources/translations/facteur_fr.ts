<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>Sign in again</source>
        <translation type="vanished">Reconnectez-vous</translation>
    </message>
    <message>
        <source>Wrong user name or password</source>
        <translation type="vanished">Nom d&apos;utilisateur ou mot de passe incorrect</translation>
    </message>
    <message>
        <source>the server</source>
        <translation type="vanished">le serveur</translation>
    </message>
    <message>
        <source>The identity of {where} could not be verified ({reason}). Someone may be intercepting the connection, or the server uses a certificate your system does not know.</source>
        <translation type="vanished">L&apos;identité de {where} n&apos;a pas pu être vérifiée ({reason}). Quelqu&apos;un intercepte peut-être la connexion, ou le serveur utilise un certificat que votre système ne connaît pas.</translation>
    </message>
    <message>
        <source>untrusted certificate</source>
        <translation type="vanished">certificat non approuvé</translation>
    </message>
    <message>
        <source>Untrusted certificate</source>
        <translation type="vanished">Certificat non approuvé</translation>
    </message>
    <message>
        <source>Connection not secure</source>
        <translation type="vanished">Connexion non sécurisée</translation>
    </message>
    <message>
        <source>The server is not answering</source>
        <translation type="vanished">Le serveur ne répond pas</translation>
    </message>
    <message>
        <source>Cannot reach the server</source>
        <translation type="vanished">Impossible de joindre le serveur</translation>
    </message>
    <message>
        <source>Account settings are incomplete</source>
        <translation type="vanished">Les paramètres du compte sont incomplets</translation>
    </message>
    <message>
        <source>The server refused the operation</source>
        <translation type="vanished">Le serveur a refusé l&apos;opération</translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation type="vanished">Une erreur s&apos;est produite</translation>
    </message>
    <message>
        <source>Name &lt;address@example.com&gt;, …</source>
        <translation type="vanished">Nom &lt;adresse@example.com&gt;, …</translation>
    </message>
    <message>
        <source>Not an e-mail address: {entries}</source>
        <translation type="vanished">Pas une adresse électronique&#xa0;: {entries}</translation>
    </message>
    <message>
        <source>it is a folder; attach the files inside it, or a zip of it</source>
        <translation type="vanished">c&apos;est un dossier&#xa0;; joignez les fichiers qu&apos;il contient, ou une archive zip du dossier</translation>
    </message>
    <message>
        <source>the file does not exist (any more)</source>
        <translation type="vanished">le fichier n&apos;existe pas (ou plus)</translation>
    </message>
    <message>
        <source>you are not allowed to read it</source>
        <translation type="vanished">vous n&apos;avez pas le droit de le lire</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation type="vanished">Pièces jointes</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="vanished">Retirer</translation>
    </message>
    <message>
        <source>pasted image</source>
        <translation type="vanished">image collée</translation>
    </message>
    <message>
        <source>Message body</source>
        <translation type="vanished">Corps du message</translation>
    </message>
    <message>
        <source>Formatting</source>
        <translation type="vanished">Mise en forme</translation>
    </message>
    <message>
        <source>B</source>
        <translation type="vanished">G</translation>
    </message>
    <message>
        <source>Bold</source>
        <translation type="vanished">Gras</translation>
    </message>
    <message>
        <source>I</source>
        <translation type="vanished">I</translation>
    </message>
    <message>
        <source>Italic</source>
        <translation type="vanished">Italique</translation>
    </message>
    <message>
        <source>U</source>
        <translation type="vanished">S</translation>
    </message>
    <message>
        <source>Underline</source>
        <translation type="vanished">Souligné</translation>
    </message>
    <message>
        <source>• List</source>
        <translation type="vanished">• Liste</translation>
    </message>
    <message>
        <source>Bulleted list</source>
        <translation type="vanished">Liste à puces</translation>
    </message>
    <message>
        <source>1. List</source>
        <translation type="vanished">1. Liste</translation>
    </message>
    <message>
        <source>Numbered list</source>
        <translation type="vanished">Liste numérotée</translation>
    </message>
    <message>
        <source>❝ Quote</source>
        <translation type="vanished">❝ Citation</translation>
    </message>
    <message>
        <source>Quote</source>
        <translation type="vanished">Citer</translation>
    </message>
    <message>
        <source>Unquote</source>
        <translation type="vanished">Retirer la citation</translation>
    </message>
    <message>
        <source>Remove one quote level</source>
        <translation type="vanished">Retirer un niveau de citation</translation>
    </message>
    <message>
        <source>Link…</source>
        <translation type="vanished">Lien…</translation>
    </message>
    <message>
        <source>Insert or edit a link</source>
        <translation type="vanished">Insérer ou modifier un lien</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation type="vanished">Annuler</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation type="vanished">Rétablir</translation>
    </message>
    <message>
        <source>Link</source>
        <translation type="vanished">Lien</translation>
    </message>
    <message>
        <source>Address (URL):</source>
        <translation type="vanished">Adresse (URL)&#xa0;:</translation>
    </message>
    <message>
        <source>On {date}, {name} wrote:</source>
        <translation type="vanished">Le {date}, {name} a écrit&#xa0;:</translation>
    </message>
    <message>
        <source>{name} wrote:</source>
        <translation type="vanished">{name} a écrit&#xa0;:</translation>
    </message>
    <message>
        <source>Subject:</source>
        <translation type="vanished">Sujet&#xa0;:</translation>
    </message>
    <message>
        <source>Date:</source>
        <translation type="vanished">Date&#xa0;:</translation>
    </message>
    <message>
        <source>What is it about?</source>
        <translation type="vanished">De quoi s&apos;agit-il&#xa0;?</translation>
    </message>
    <message>
        <source>Cc</source>
        <translation type="vanished">Cc</translation>
    </message>
    <message>
        <source>Bcc</source>
        <translation type="vanished">Cci</translation>
    </message>
    <message>
        <source>Show the {field} field</source>
        <translation type="vanished">Afficher le champ {field}</translation>
    </message>
    <message>
        <source>From:</source>
        <translation type="vanished">De&#xa0;:</translation>
    </message>
    <message>
        <source>To:</source>
        <translation type="vanished">Pour&#xa0;:</translation>
    </message>
    <message>
        <source>Cc:</source>
        <translation type="vanished">Cc&#xa0;:</translation>
    </message>
    <message>
        <source>Bcc:</source>
        <translation type="vanished">Cci&#xa0;:</translation>
    </message>
    <message>
        <source>Forwarded message</source>
        <translation type="vanished">Message transféré</translation>
    </message>
    <message>
        <source>-------- Forwarded Message --------</source>
        <translation type="vanished">-------- Message transféré --------</translation>
    </message>
    <message>
        <source>Starred</source>
        <translation type="vanished">Suivi</translation>
    </message>
    <message>
        <source>Waiting (undo possible)</source>
        <translation type="vanished">En attente (annulation possible)</translation>
    </message>
    <message>
        <source>Will retry at {time}</source>
        <translation type="vanished">Nouvel essai à {time}</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation type="vanished">En file d&apos;attente</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation type="vanished">Envoi…</translation>
    </message>
    <message>
        <source>Checking whether it was sent…</source>
        <translation type="vanished">Vérification de l&apos;envoi…</translation>
    </message>
    <message>
        <source>Sent; filing a copy in Sent…</source>
        <translation type="vanished">Envoyé&#xa0;; classement d&apos;une copie dans Envoyés…</translation>
    </message>
    <message>
        <source>Interrupted: may have been sent</source>
        <translation type="vanished">Interrompu&#xa0;: a peut-être été envoyé</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation type="vanished">Non envoyé</translation>
    </message>
    <message>
        <source>To</source>
        <translation type="vanished">Pour</translation>
    </message>
    <message>
        <source>State</source>
        <translation type="vanished">État</translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="vanished">Détails</translation>
    </message>
    <message>
        <source>Send now</source>
        <translation type="vanished">Envoyer maintenant</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation type="vanished">Modifier</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="vanished">Supprimer</translation>
    </message>
    <message>
        <source>From</source>
        <translation type="vanished">De</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation type="vanished">Sujet</translation>
    </message>
    <message>
        <source>Date</source>
        <translation type="vanished">Date</translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="vanished">Taille</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation type="vanished">(sans sujet)</translation>
    </message>
    <message>
        <source>Click to star</source>
        <translation type="vanished">Cliquer pour suivre</translation>
    </message>
    <message>
        <source>Has attachments</source>
        <translation type="vanished">Avec pièces jointes</translation>
    </message>
    <message>
        <source>Not starred</source>
        <translation type="vanished">Non suivi</translation>
    </message>
    <message>
        <source>No attachments</source>
        <translation type="vanished">Sans pièce jointe</translation>
    </message>
    <message>
        <source>Unread: %1</source>
        <translation type="vanished">Non lu&#xa0;: %1</translation>
    </message>
    <message>
        <source>This sign-in is over</source>
        <translation type="vanished">Cette connexion est terminée</translation>
    </message>
    <message>
        <source>You can close this tab and go back to Facteur.</source>
        <translation type="vanished">Vous pouvez fermer cet onglet et revenir à Facteur.</translation>
    </message>
    <message>
        <source>Bad request</source>
        <translation type="vanished">Requête incorrecte</translation>
    </message>
    <message>
        <source>This address only answers Google&apos;s sign-in.</source>
        <translation type="vanished">Cette adresse ne sert qu&apos;à la connexion Google.</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation type="vanished">Introuvable</translation>
    </message>
    <message>
        <source>You are signed in</source>
        <translation type="vanished">Connexion réussie</translation>
    </message>
    <message>
        <source>Facteur can now read and send your mail. You can close this tab and go back to Facteur.</source>
        <translation type="vanished">Facteur peut maintenant lire et envoyer vos messages. Vous pouvez fermer cet onglet et revenir à Facteur.</translation>
    </message>
    <message>
        <source>Sign-in failed</source>
        <translation type="vanished">Échec de la connexion</translation>
    </message>
    <message>
        <source>Go back to Facteur to try again.</source>
        <translation type="vanished">Revenez à Facteur pour réessayer.</translation>
    </message>
    <message>
        <source>Connecting to {host}…</source>
        <translation type="vanished">Connexion à {host}…</translation>
    </message>
    <message>
        <source>Fetching the certificate of {host}…</source>
        <translation type="vanished">Récupération du certificat de {host}…</translation>
    </message>
    <message>
        <source>No keyring</source>
        <translation type="vanished">Aucun trousseau</translation>
    </message>
    <message>
        <source>Facteur keeps passwords in your system&apos;s keyring, and none is available. Install and start one (GNOME Keyring or KWallet), then add the account again.</source>
        <translation type="vanished">Facteur garde les mots de passe dans le trousseau du système, et aucun n&apos;est disponible. Installez-en un et démarrez-le (GNOME Keyring ou KWallet), puis ajoutez de nouveau le compte.</translation>
    </message>
    <message>
        <source>Keep the password in plain text?</source>
        <translation type="vanished">Garder le mot de passe en clair&#xa0;?</translation>
    </message>
    <message>
        <source>No secure keyring was found: the only place available keeps passwords in a plain file ({backend}) that any program running as you can read.

Keep your password there anyway? Otherwise, install GNOME Keyring or KWallet and add the account again.</source>
        <translation type="vanished">Aucun trousseau sécurisé n&apos;a été trouvé&#xa0;: le seul endroit disponible garde les mots de passe dans un simple fichier ({backend}) que tout programme lancé sous votre nom peut lire.

Y garder votre mot de passe malgré tout&#xa0;? Sinon, installez GNOME Keyring ou KWallet et ajoutez de nouveau le compte.</translation>
    </message>
    <message>
        <source>Keep it in plain text</source>
        <translation type="vanished">Le garder en clair</translation>
    </message>
    <message>
        <source>The keyring refused the password</source>
        <translation type="vanished">Le trousseau a refusé le mot de passe</translation>
    </message>
    <message>
        <source>Facteur could not store the password in your keyring: {detail}. Unlock the keyring and press Finish again.</source>
        <translation type="vanished">Facteur n&apos;a pas pu enregistrer le mot de passe dans votre trousseau&#xa0;: {detail}. Déverrouillez le trousseau et appuyez de nouveau sur Terminer.</translation>
    </message>
    <message>
        <source>SSL/TLS</source>
        <translation type="vanished">SSL/TLS</translation>
    </message>
    <message>
        <source>STARTTLS</source>
        <translation type="vanished">STARTTLS</translation>
    </message>
    <message>
        <source>none — unencrypted</source>
        <translation type="vanished">aucune — non chiffrée</translation>
    </message>
    <message>
        <source>{host} · port {port} · {security}</source>
        <translation type="vanished">{host} · port {port} · {security}</translation>
    </message>
    <message>
        <source>User name: {user}</source>
        <translation type="vanished">Nom d&apos;utilisateur&#xa0;: {user}</translation>
    </message>
    <message>
        <source>Incoming mail server (IMAP)</source>
        <translation type="vanished">Serveur de courrier entrant (IMAP)</translation>
    </message>
    <message>
        <source>Outgoing mail server (SMTP)</source>
        <translation type="vanished">Serveur de courrier sortant (SMTP)</translation>
    </message>
    <message>
        <source>Unsent messages</source>
        <translation type="vanished">Messages non envoyés</translation>
    </message>
    <message>
        <source>Facteur was closed while you were writing:
{names}

Open them again?</source>
        <translation type="vanished">Facteur a été fermé pendant que vous écriviez&#xa0;:
{names}

Les rouvrir&#xa0;?</translation>
    </message>
    <message>
        <source>Open them</source>
        <translation type="vanished">Les rouvrir</translation>
    </message>
    <message>
        <source>Keep as drafts</source>
        <translation type="vanished">Les garder en brouillons</translation>
    </message>
    <message>
        <source>Not sent: {error}</source>
        <translation type="vanished">Non envoyé&#xa0;: {error}</translation>
    </message>
    <message>
        <source>Sending “{subject}” in {seconds} s</source>
        <translation type="vanished">Envoi de «&#xa0;{subject}&#xa0;» dans {seconds} s</translation>
    </message>
    <message>
        <source>Sending “{subject}”…</source>
        <translation type="vanished">Envoi de «&#xa0;{subject}&#xa0;»…</translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="vanished">Message</translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="vanished">Envoyer</translation>
    </message>
    <message>
        <source>Send (Ctrl+Enter)</source>
        <translation type="vanished">Envoyer (Ctrl+Entrée)</translation>
    </message>
    <message>
        <source>Attach…</source>
        <translation type="vanished">Joindre…</translation>
    </message>
    <message>
        <source>Save draft</source>
        <translation type="vanished">Enregistrer le brouillon</translation>
    </message>
    <message>
        <source>Plain text only</source>
        <translation type="vanished">Texte brut seulement</translation>
    </message>
    <message>
        <source>Send without formatting (no HTML part)</source>
        <translation type="vanished">Envoyer sans mise en forme (pas de partie HTML)</translation>
    </message>
    <message>
        <source>The attachment “{name}” of this draft could not be found.</source>
        <translation type="vanished">La pièce jointe «&#xa0;{name}&#xa0;» de ce brouillon est introuvable.</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation type="vanished">Joindre des fichiers</translation>
    </message>
    <message>
        <source>“{name}” was not attached: {reason}.</source>
        <translation type="vanished">«&#xa0;{name}&#xa0;» n&apos;a pas été joint&#xa0;: {reason}.</translation>
    </message>
    <message>
        <source>{count} attachment(s), {size} in all</source>
        <translation type="vanished">{count} pièce(s) jointe(s), {size} au total</translation>
    </message>
    <message>
        <source>This message would be about {size}, over the {limit} this account accepts: remove attachments, or share big files by link.</source>
        <translation type="vanished">Ce message ferait environ {size}, au-delà des {limit} que ce compte accepte&#xa0;: retirez des pièces jointes, ou partagez les gros fichiers par un lien.</translation>
    </message>
    <message>
        <source>This message is about {size}, close to the {limit} this account accepts.</source>
        <translation type="vanished">Ce message fait environ {size}, près des {limit} que ce compte accepte.</translation>
    </message>
    <message>
        <source>{subject} — Write</source>
        <translation type="vanished">{subject} — Rédaction</translation>
    </message>
    <message>
        <source>New message</source>
        <translation type="vanished">Nouveau message</translation>
    </message>
    <message>
        <source>Set up an account before writing a message.</source>
        <translation type="vanished">Configurez un compte avant d&apos;écrire un message.</translation>
    </message>
    <message>
        <source>Draft saved</source>
        <translation type="vanished">Brouillon enregistré</translation>
    </message>
    <message>
        <source>{field}: not an e-mail address: {entries}</source>
        <translation type="vanished">{field}&#xa0;: pas une adresse électronique&#xa0;: {entries}</translation>
    </message>
    <message>
        <source>Add at least one recipient.</source>
        <translation type="vanished">Ajoutez au moins un destinataire.</translation>
    </message>
    <message>
        <source>The message is too large for this account ({size}, at most {limit}).</source>
        <translation type="vanished">Le message est trop gros pour ce compte ({size}, au plus {limit}).</translation>
    </message>
    <message>
        <source>No subject</source>
        <translation type="vanished">Pas de sujet</translation>
    </message>
    <message>
        <source>This message has no subject. Send it anyway?</source>
        <translation type="vanished">Ce message n&apos;a pas de sujet. L&apos;envoyer quand même&#xa0;?</translation>
    </message>
    <message>
        <source>Forgotten attachment?</source>
        <translation type="vanished">Pièce jointe oubliée&#xa0;?</translation>
    </message>
    <message>
        <source>The message mentions an attachment, but has none. Send anyway?</source>
        <translation type="vanished">Le message parle d&apos;une pièce jointe, mais n&apos;en a aucune. L&apos;envoyer quand même&#xa0;?</translation>
    </message>
    <message>
        <source>Save this message?</source>
        <translation type="vanished">Enregistrer ce message&#xa0;?</translation>
    </message>
    <message>
        <source>Keep this message as a draft to finish it later?</source>
        <translation type="vanished">Garder ce message en brouillon pour le terminer plus tard&#xa0;?</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation type="vanished">Abandonner</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation type="vanished">Comptes</translation>
    </message>
    <message>
        <source>No account yet. Press “Add” to set one up.</source>
        <translation type="vanished">Aucun compte pour l&apos;instant. Appuyez sur «&#xa0;Ajouter&#xa0;» pour en configurer un.</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation type="vanished">&amp;Ajouter…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation type="vanished">&amp;Modifier…</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation type="vanished">&amp;Supprimer…</translation>
    </message>
    <message>
        <source>Move &amp;up</source>
        <translation type="vanished">Mon&amp;ter</translation>
    </message>
    <message>
        <source>Move &amp;down</source>
        <translation type="vanished">Descen&amp;dre</translation>
    </message>
    <message>
        <source>signs in with Google</source>
        <translation type="vanished">se connecte avec Google</translation>
    </message>
    <message>
        <source>{host}</source>
        <translation type="vanished">{host}</translation>
    </message>
    <message>
        <source>Reads from {imap}, sends through {smtp}</source>
        <translation type="vanished">Reçoit par {imap}, envoie par {smtp}</translation>
    </message>
    <message>
        <source>Remove {account}?</source>
        <translation type="vanished">Supprimer {account}&#xa0;?</translation>
    </message>
    <message>
        <source>Facteur will forget this account: its password, the copies of its mail kept on this computer and its settings. The mail on the server is not touched.</source>
        <translation type="vanished">Facteur va oublier ce compte&#xa0;: son mot de passe, les copies de ses messages gardées sur cet ordinateur et ses paramètres. Les messages sur le serveur ne sont pas touchés.</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="vanished">&amp;Supprimer</translation>
    </message>
    <message>
        <source>The account was not removed</source>
        <translation type="vanished">Le compte n&apos;a pas été supprimé</translation>
    </message>
    <message>
        <source>Facteur could not delete its password from the keyring: {detail}. Unlock the keyring and try again.</source>
        <translation type="vanished">Facteur n&apos;a pas pu effacer son mot de passe du trousseau&#xa0;: {detail}. Déverrouillez le trousseau et réessayez.</translation>
    </message>
    <message>
        <source>Some files were not deleted</source>
        <translation type="vanished">Des fichiers n&apos;ont pas été supprimés</translation>
    </message>
    <message>
        <source>The account was removed, but copies of its mail could not be deleted: {detail}</source>
        <translation type="vanished">Le compte a été supprimé, mais les copies de son courrier n&apos;ont pas pu être effacées&#xa0;: {detail}</translation>
    </message>
    <message>
        <source>Withdraw Facteur&apos;s access at Microsoft</source>
        <translation type="vanished">Retirez l&apos;accès de Facteur chez Microsoft</translation>
    </message>
    <message>
        <source>Microsoft does not let apps revoke their own access. Facteur forgot its key to {email}; to withdraw the consent too, remove Facteur at {url}</source>
        <translation type="vanished">Microsoft ne permet pas aux applications de révoquer leur propre accès. Facteur a oublié sa clé pour {email}&#xa0;; pour retirer aussi votre consentement, supprimez Facteur sur {url}</translation>
    </message>
    <message>
        <source>Facteur&apos;s access was not revoked</source>
        <translation type="vanished">L&apos;accès de Facteur n&apos;a pas été révoqué</translation>
    </message>
    <message>
        <source>The account was removed, but its access could not be revoked at the provider: {detail}. Revoke it yourself at {url}</source>
        <translation type="vanished">Le compte a été supprimé, mais son accès n&apos;a pas pu être révoqué chez le fournisseur&#xa0;: {detail}. Révoquez-le vous-même sur {url}</translation>
    </message>
</context>
<context>
    <name>About</name>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Facteur %1&lt;/b&gt; — a fast, safe desktop mail client.&lt;/p&gt;&lt;p&gt;Free software under the %2 licence: you may use, study, share and improve it.&lt;/p&gt;&lt;p&gt;&lt;a href=&quot;%3&quot;&gt;%3&lt;/a&gt;&lt;/p&gt;&lt;p&gt;&lt;small&gt;Qt %4&lt;/small&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Facteur %1&lt;/b&gt; — un client de messagerie de bureau rapide et sûr.&lt;/p&gt;&lt;p&gt;Logiciel libre sous licence %2 : vous pouvez l’utiliser, l’étudier, le partager et l’améliorer.&lt;/p&gt;&lt;p&gt;&lt;a href=&quot;%3&quot;&gt;%3&lt;/a&gt;&lt;/p&gt;&lt;p&gt;&lt;small&gt;Qt %4&lt;/small&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>About Facteur</source>
        <translation>À propos de Facteur</translation>
    </message>
</context>
<context>
    <name>AccountEditor</name>
    <message>
        <source>Account settings — {account}</source>
        <translation>Paramètres du compte — {account}</translation>
    </message>
    <message>
        <source>&amp;General</source>
        <translation>&amp;Général</translation>
    </message>
    <message>
        <source>&amp;Identities</source>
        <translation>&amp;Identités</translation>
    </message>
    <message>
        <source>&amp;Servers</source>
        <translation>&amp;Serveurs</translation>
    </message>
    <message>
        <source>Account &amp;name:</source>
        <translation>&amp;Nom du compte&#xa0;:</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>Adresse&#xa0;:</translation>
    </message>
    <message>
        <source>&lt;b&gt;No encryption:&lt;/b&gt; your password and mail travel in clear text.</source>
        <translation>&lt;b&gt;Pas de chiffrement&#xa0;:&lt;/b&gt; votre mot de passe et vos messages circulent en clair.</translation>
    </message>
    <message>
        <source>Signs in with Google.</source>
        <translation>Se connecte avec Google.</translation>
    </message>
    <message>
        <source>Sign in with Google &amp;again…</source>
        <translation>Se reconnecter &amp;avec Google…</translation>
    </message>
    <message>
        <source>Signs in through GNOME Online Accounts, which gives these servers: change the account in Settings › Online Accounts.</source>
        <translation>Se connecte via les comptes en ligne de GNOME, qui fournissent ces serveurs : modifiez le compte dans Paramètres › Comptes en ligne.</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>inchangé</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Nouveau mot de passe</translation>
    </message>
    <message>
        <source>New &amp;password:</source>
        <translation>Nouveau &amp;mot de passe&#xa0;:</translation>
    </message>
    <message>
        <source>This account trusts a server certificate you accepted.</source>
        <translation>Ce compte fait confiance à un certificat de serveur que vous avez accepté.</translation>
    </message>
    <message>
        <source>&amp;Forget it</source>
        <translation>&amp;L&apos;oublier</translation>
    </message>
    <message>
        <source>The certificate will be forgotten when you save.</source>
        <translation>Le certificat sera oublié à l&apos;enregistrement.</translation>
    </message>
</context>
<context>
    <name>AccountSession</name>
    <message>
        <source>Upgrading the mail store of %1…</source>
        <translation>Mise à niveau du stockage du courrier de %1…</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>Synchronising %1</source>
        <translation>Synchronisation de %1</translation>
    </message>
    <message>
        <source>Synchronising %1 (%2 of %3)</source>
        <translation>Synchronisation de %1 (%2 sur %3)</translation>
    </message>
</context>
<context>
    <name>AccountWizard</name>
    <message>
        <source>Add a mail account</source>
        <translation>Ajouter un compte de messagerie</translation>
    </message>
    <message>
        <source>&amp;Finish</source>
        <translation>&amp;Terminer</translation>
    </message>
    <message>
        <source>The account already exists</source>
        <translation>Le compte existe déjà</translation>
    </message>
    <message>
        <source>Facteur already has an account for {email}.</source>
        <translation>Facteur a déjà un compte pour {email}.</translation>
    </message>
    <message>
        <source>The account could not be saved</source>
        <translation>Le compte n&apos;a pas pu être enregistré</translation>
    </message>
</context>
<context>
    <name>AccountsDialog</name>
    <message>
        <source>Accounts</source>
        <translation>Comptes</translation>
    </message>
    <message>
        <source>No account yet. Press “Add” to set one up.</source>
        <translation>Aucun compte pour l&apos;instant. Appuyez sur «&#xa0;Ajouter&#xa0;» pour en configurer un.</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Ajouter…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Modifier…</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>&amp;Supprimer…</translation>
    </message>
    <message>
        <source>Move &amp;up</source>
        <translation>Mon&amp;ter</translation>
    </message>
    <message>
        <source>Move &amp;down</source>
        <translation>Descen&amp;dre</translation>
    </message>
    <message>
        <source>signs in with Google</source>
        <translation>se connecte avec Google</translation>
    </message>
    <message>
        <source>through GNOME Online Accounts</source>
        <translation>via les comptes en ligne de GNOME</translation>
    </message>
    <message>
        <source>{host}</source>
        <translation>{host}</translation>
    </message>
    <message>
        <source>Reads from {imap}, sends through {smtp}</source>
        <translation>Reçoit par {imap}, envoie par {smtp}</translation>
    </message>
    <message>
        <source>Some files were not deleted</source>
        <translation>Des fichiers n&apos;ont pas été supprimés</translation>
    </message>
    <message>
        <source>The account was removed, but copies of its mail could not be deleted: {detail}</source>
        <translation>Le compte a été supprimé, mais les copies de son courrier n&apos;ont pas pu être effacées&#xa0;: {detail}</translation>
    </message>
    <message>
        <source>Withdraw Facteur&apos;s access at Microsoft</source>
        <translation>Retirez l&apos;accès de Facteur chez Microsoft</translation>
    </message>
    <message>
        <source>Microsoft does not let apps revoke their own access. Facteur forgot its key to {email}; to withdraw the consent too, remove Facteur at {url}</source>
        <translation>Microsoft ne permet pas aux applications de révoquer leur propre accès. Facteur a oublié sa clé pour {email}&#xa0;; pour retirer aussi votre consentement, supprimez Facteur sur {url}</translation>
    </message>
    <message>
        <source>Facteur&apos;s access was not revoked</source>
        <translation>L&apos;accès de Facteur n&apos;a pas été révoqué</translation>
    </message>
    <message>
        <source>The account was removed, but its access could not be revoked at the provider: {detail}. Revoke it yourself at {url}</source>
        <translation>Le compte a été supprimé, mais son accès n&apos;a pas pu être révoqué chez le fournisseur&#xa0;: {detail}. Révoquez-le vous-même sur {url}</translation>
    </message>
    <message>
        <source>{imap} — {smtp}</source>
        <translation type="vanished">{imap} — {smtp}</translation>
    </message>
    <message>
        <source>Remove {account}?</source>
        <translation>Supprimer {account}&#xa0;?</translation>
    </message>
    <message>
        <source>Facteur will forget this account: its password, the copies of its mail kept on this computer and its settings. The mail on the server is not touched.</source>
        <translation>Facteur va oublier ce compte&#xa0;: son mot de passe, les copies de ses messages gardées sur cet ordinateur et ses paramètres. Les messages sur le serveur ne sont pas touchés.</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <source>The account was not removed</source>
        <translation>Le compte n&apos;a pas été supprimé</translation>
    </message>
    <message>
        <source>Facteur could not delete its password from the keyring: {detail}. Unlock the keyring and try again.</source>
        <translation>Facteur n&apos;a pas pu effacer son mot de passe du trousseau&#xa0;: {detail}. Déverrouillez le trousseau et réessayez.</translation>
    </message>
</context>
<context>
    <name>AddressField</name>
    <message>
        <source>Name &lt;address@example.com&gt;, …</source>
        <translation>Nom &lt;adresse@example.com&gt;, …</translation>
    </message>
    <message>
        <source>Not an e-mail address: {entries}</source>
        <translation>Pas une adresse électronique&#xa0;: {entries}</translation>
    </message>
</context>
<context>
    <name>AttachmentView</name>
    <message>
        <source>Attachments</source>
        <translation>Pièces jointes</translation>
    </message>
    <message>
        <source>Save All…</source>
        <translation>Tout enregistrer…</translation>
    </message>
    <message numerus="yes">
        <source>%n attachment(s)</source>
        <translation>
            <numerusform>%n pièce jointe</numerusform>
            <numerusform>%n pièces jointes</numerusform>
        </translation>
    </message>
    <message>
        <source>Downloading attachments…</source>
        <translation>Téléchargement des pièces jointes…</translation>
    </message>
    <message>
        <source>Save Attachment</source>
        <translation>Enregistrer la pièce jointe</translation>
    </message>
    <message>
        <source>Saving “%1”… %2%</source>
        <translation>Enregistrement de «&#xa0;%1&#xa0;»… %2&#xa0;%</translation>
    </message>
    <message>
        <source>Save All Attachments</source>
        <translation>Enregistrer toutes les pièces jointes</translation>
    </message>
    <message>
        <source>Open a program?</source>
        <translation>Ouvrir un programme&#xa0;?</translation>
    </message>
    <message>
        <source>Could not open the attachment</source>
        <translation>Impossible d&apos;ouvrir la pièce jointe</translation>
    </message>
    <message>
        <source>1 attachment</source>
        <translation type="vanished">1 pièce jointe</translation>
    </message>
    <message>
        <source>Could not save the attachment</source>
        <translation>Impossible d&apos;enregistrer la pièce jointe</translation>
    </message>
    <message>
        <source>“%1” could run as a program on this computer. Open it only if you trust the sender and expected this file.</source>
        <translation>«&#xa0;%1&#xa0;» pourrait s&apos;exécuter comme un programme sur cet ordinateur. Ne l&apos;ouvrez que si vous faites confiance à l&apos;expéditeur et attendiez ce fichier.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <source>Save As…</source>
        <translation>Enregistrer sous…</translation>
    </message>
    <message>
        <source>No application is set up to open “%1”.</source>
        <translation>Aucune application n&apos;est configurée pour ouvrir «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>%1 attachments</source>
        <translation type="vanished">%1 pièces jointes</translation>
    </message>
</context>
<context>
    <name>Attachments</name>
    <message>
        <source>Attachments</source>
        <translation>Pièces jointes</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <source>it is a folder; attach the files inside it, or a zip of it</source>
        <translation>c&apos;est un dossier&#xa0;; joignez les fichiers qu&apos;il contient, ou une archive zip du dossier</translation>
    </message>
    <message>
        <source>the file does not exist (any more)</source>
        <translation>le fichier n&apos;existe pas (ou plus)</translation>
    </message>
    <message>
        <source>you are not allowed to read it</source>
        <translation>vous n&apos;avez pas le droit de le lire</translation>
    </message>
</context>
<context>
    <name>BodyEditor</name>
    <message>
        <source>(no suggestions)</source>
        <translation>(aucune suggestion)</translation>
    </message>
    <message>
        <source>Add “%1” to Dictionary</source>
        <translation>Ajouter «&#xa0;%1&#xa0;» au dictionnaire</translation>
    </message>
    <message>
        <source>Ignore “%1”</source>
        <translation>Ignorer «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>Message body</source>
        <translation>Corps du message</translation>
    </message>
    <message>
        <source>Formatting</source>
        <translation>Mise en forme</translation>
    </message>
    <message>
        <source>B</source>
        <translation>G</translation>
    </message>
    <message>
        <source>Bold</source>
        <translation>Gras</translation>
    </message>
    <message>
        <source>I</source>
        <translation>I</translation>
    </message>
    <message>
        <source>Italic</source>
        <translation>Italique</translation>
    </message>
    <message>
        <source>U</source>
        <translation>S</translation>
    </message>
    <message>
        <source>Underline</source>
        <translation>Souligné</translation>
    </message>
    <message>
        <source>• List</source>
        <translation>• Liste</translation>
    </message>
    <message>
        <source>Bulleted list</source>
        <translation>Liste à puces</translation>
    </message>
    <message>
        <source>1. List</source>
        <translation>1. Liste</translation>
    </message>
    <message>
        <source>Numbered list</source>
        <translation>Liste numérotée</translation>
    </message>
    <message>
        <source>❝ Quote</source>
        <translation>❝ Citation</translation>
    </message>
    <message>
        <source>Quote</source>
        <translation>Citer</translation>
    </message>
    <message>
        <source>Unquote</source>
        <translation>Retirer la citation</translation>
    </message>
    <message>
        <source>Remove one quote level</source>
        <translation>Retirer un niveau de citation</translation>
    </message>
    <message>
        <source>Link…</source>
        <translation>Lien…</translation>
    </message>
    <message>
        <source>Insert or edit a link</source>
        <translation>Insérer ou modifier un lien</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Rétablir</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Lien</translation>
    </message>
    <message>
        <source>Address (URL):</source>
        <translation>Adresse (URL)&#xa0;:</translation>
    </message>
    <message>
        <source>pasted image</source>
        <translation>image collée</translation>
    </message>
</context>
<context>
    <name>BulkActionsPane</name>
    <message>
        <source>Forward as Attachments</source>
        <translation>Transférer en pièces jointes</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) selected</source>
        <translation>
            <numerusform>%n message sélectionné</numerusform>
            <numerusform>%n messages sélectionnés</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n non lu</numerusform>
            <numerusform>%n non lus</numerusform>
        </translation>
    </message>
    <message>
        <source>all read</source>
        <translation>tous lus</translation>
    </message>
    <message numerus="yes">
        <source>%n starred</source>
        <translation>
            <numerusform>%n suivi</numerusform>
            <numerusform>%n suivis</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CertificateDialog</name>
    <message>
        <source>Server certificate</source>
        <translation>Certificat du serveur</translation>
    </message>
    <message>
        <source>&lt;b&gt;{role} — {where}&lt;/b&gt;&lt;br&gt;Its certificate is not trusted: {reason}.</source>
        <translation>&lt;b&gt;{role} — {where}&lt;/b&gt;&lt;br&gt;Son certificat n&apos;est pas approuvé&#xa0;: {reason}.</translation>
    </message>
    <message>
        <source>Issued to:</source>
        <translation>Délivré à&#xa0;:</translation>
    </message>
    <message>
        <source>Host names:</source>
        <translation>Noms d&apos;hôte&#xa0;:</translation>
    </message>
    <message>
        <source>Issued by:</source>
        <translation>Délivré par&#xa0;:</translation>
    </message>
    <message>
        <source> (self-signed)</source>
        <translation> (auto-signé)</translation>
    </message>
    <message>
        <source>Valid from:</source>
        <translation>Valide à partir du&#xa0;:</translation>
    </message>
    <message>
        <source>Valid until:</source>
        <translation>Valide jusqu&apos;au&#xa0;:</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint:</source>
        <translation>Empreinte SHA-256&#xa0;:</translation>
    </message>
    <message>
        <source>Facteur could not fetch the certificate to show it.</source>
        <translation>Facteur n&apos;a pas pu récupérer le certificat pour l&apos;afficher.</translation>
    </message>
    <message>
        <source>You already trust this certificate for this account, and the connection still fails. Ask the server&apos;s administrator.</source>
        <translation>Vous faites déjà confiance à ce certificat pour ce compte, et la connexion échoue encore. Adressez-vous à l&apos;administrateur du serveur.</translation>
    </message>
    <message>
        <source>Trust it only if you know this server uses it — your own server, or your organisation&apos;s — and the fingerprint matches the one its administrator gives you. Facteur will then accept it for this account only.</source>
        <translation>Ne lui faites confiance que si vous savez que ce serveur l&apos;utilise — votre propre serveur, ou celui de votre organisation — et que l&apos;empreinte correspond à celle que son administrateur vous donne. Facteur l&apos;acceptera alors pour ce compte seulement.</translation>
    </message>
    <message>
        <source>Trusting it would not help: the certificate is expired or made for another server name. Check the server name in the settings, or ask its administrator.</source>
        <translation>Lui faire confiance n&apos;y changerait rien&#xa0;: le certificat a expiré ou a été établi pour un autre nom de serveur. Vérifiez le nom du serveur dans les paramètres, ou adressez-vous à son administrateur.</translation>
    </message>
    <message>
        <source>&amp;Trust this certificate for this account</source>
        <translation>&amp;Faire confiance à ce certificat pour ce compte</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
</context>
<context>
    <name>ComposerHeader</name>
    <message>
        <source>From</source>
        <translation>De</translation>
    </message>
    <message>
        <source>What is it about?</source>
        <translation>De quoi s&apos;agit-il&#xa0;?</translation>
    </message>
    <message>
        <source>Cc</source>
        <translation>Cc</translation>
    </message>
    <message>
        <source>Bcc</source>
        <translation>Cci</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>De&#xa0;:</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>Pour&#xa0;:</translation>
    </message>
    <message>
        <source>Cc:</source>
        <translation>Cc&#xa0;:</translation>
    </message>
    <message>
        <source>Bcc:</source>
        <translation>Cci&#xa0;:</translation>
    </message>
    <message>
        <source>Subject:</source>
        <translation>Sujet&#xa0;:</translation>
    </message>
    <message>
        <source>Show the {field} field</source>
        <translation>Afficher le champ {field}</translation>
    </message>
</context>
<context>
    <name>ComposerWindow</name>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <source>Send (Ctrl+Enter)</source>
        <translation>Envoyer (Ctrl+Entrée)</translation>
    </message>
    <message>
        <source>Attach…</source>
        <translation>Joindre…</translation>
    </message>
    <message>
        <source>Save draft</source>
        <translation>Enregistrer le brouillon</translation>
    </message>
    <message>
        <source>Plain text only</source>
        <translation>Texte brut seulement</translation>
    </message>
    <message>
        <source>Send without formatting (no HTML part)</source>
        <translation>Envoyer sans mise en forme (pas de partie HTML)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>Joindre des fichiers</translation>
    </message>
    <message numerus="yes">
        <source>%n attachment(s), %1 in all</source>
        <translation>
            <numerusform>%n pièce jointe, %1 au total</numerusform>
            <numerusform>%n pièces jointes, %1 au total</numerusform>
        </translation>
    </message>
    <message>
        <source>Draft saved</source>
        <translation>Brouillon enregistré</translation>
    </message>
    <message>
        <source>The draft could not be saved: {reason}</source>
        <translation>Le brouillon n’a pas pu être enregistré&#xa0;: {reason}</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Envoi…</translation>
    </message>
    <message>
        <source>Save this message?</source>
        <translation>Enregistrer ce message&#xa0;?</translation>
    </message>
    <message>
        <source>Keep this message as a draft to finish it later?</source>
        <translation>Garder ce message en brouillon pour le terminer plus tard&#xa0;?</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Abandonner</translation>
    </message>
    <message>
        <source>New message</source>
        <translation>Nouveau message</translation>
    </message>
    <message>
        <source>Set up an account before writing a message.</source>
        <translation>Configurez un compte avant d&apos;écrire un message.</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Pour</translation>
    </message>
    <message>
        <source>Cc</source>
        <translation>Cc</translation>
    </message>
    <message>
        <source>Bcc</source>
        <translation>Cci</translation>
    </message>
    <message>
        <source>Add at least one recipient.</source>
        <translation>Ajoutez au moins un destinataire.</translation>
    </message>
    <message>
        <source>{count} attachment(s), {size} in all</source>
        <translation type="vanished">{count} pièce(s) jointe(s), {size} au total</translation>
    </message>
    <message>
        <source>No subject</source>
        <translation>Pas de sujet</translation>
    </message>
    <message>
        <source>This message has no subject. Send it anyway?</source>
        <translation>Ce message n&apos;a pas de sujet. L&apos;envoyer quand même&#xa0;?</translation>
    </message>
    <message>
        <source>Forgotten attachment?</source>
        <translation>Pièce jointe oubliée&#xa0;?</translation>
    </message>
    <message>
        <source>The message mentions an attachment, but has none. Send anyway?</source>
        <translation>Le message parle d&apos;une pièce jointe, mais n&apos;en a aucune. L&apos;envoyer quand même&#xa0;?</translation>
    </message>
    <message>
        <source>“{name}” was not attached: {reason}.</source>
        <translation>«&#xa0;{name}&#xa0;» n&apos;a pas été joint&#xa0;: {reason}.</translation>
    </message>
    <message>
        <source>This message would be about {size}, over the {limit} this account accepts: remove attachments, or share big files by link.</source>
        <translation>Ce message ferait environ {size}, au-delà des {limit} que ce compte accepte&#xa0;: retirez des pièces jointes, ou partagez les gros fichiers par un lien.</translation>
    </message>
    <message>
        <source>{subject} — Write</source>
        <translation>{subject} — Rédaction</translation>
    </message>
    <message>
        <source>The message is too large for this account ({size}, at most {limit}).</source>
        <translation>Le message est trop gros pour ce compte ({size}, au plus {limit}).</translation>
    </message>
    <message>
        <source>The attachment “{name}” of this draft could not be found.</source>
        <translation>La pièce jointe «&#xa0;{name}&#xa0;» de ce brouillon est introuvable.</translation>
    </message>
    <message>
        <source>This message is about {size}, close to the {limit} this account accepts.</source>
        <translation>Ce message fait environ {size}, près des {limit} que ce compte accepte.</translation>
    </message>
    <message>
        <source>{field}: not an e-mail address: {entries}</source>
        <translation>{field}&#xa0;: pas une adresse électronique&#xa0;: {entries}</translation>
    </message>
</context>
<context>
    <name>ConnectionTest</name>
    <message>
        <source>Connecting to {host}…</source>
        <translation>Connexion à {host}…</translation>
    </message>
    <message>
        <source>Fetching the certificate of {host}…</source>
        <translation>Récupération du certificat de {host}…</translation>
    </message>
</context>
<context>
    <name>ConnectionTestPage</name>
    <message>
        <source>Go back and check the user name and the password.</source>
        <translation>Revenez en arrière et vérifiez le nom d&apos;utilisateur et le mot de passe.</translation>
    </message>
    <message>
        <source>Go back and sign in with Google again.</source>
        <translation>Revenez en arrière et reconnectez-vous avec Google.</translation>
    </message>
    <message>
        <source>Check the server name and the port, and that you are online.</source>
        <translation>Vérifiez le nom du serveur et le port, et que vous êtes bien en ligne.</translation>
    </message>
    <message>
        <source>Choose SSL/TLS or STARTTLS, or the port your provider gives for it.</source>
        <translation>Choisissez SSL/TLS ou STARTTLS, ou le port que votre fournisseur indique pour cela.</translation>
    </message>
    <message>
        <source>Look at the certificate: if it is your server&apos;s, you can trust it for this account.</source>
        <translation>Examinez le certificat&#xa0;: si c&apos;est celui de votre serveur, vous pouvez lui faire confiance pour ce compte.</translation>
    </message>
    <message>
        <source>The certificate is expired or made for another server name: check the server name.</source>
        <translation>Le certificat a expiré ou a été établi pour un autre nom de serveur&#xa0;: vérifiez le nom du serveur.</translation>
    </message>
    <message>
        <source>Checking the connection</source>
        <translation>Vérification de la connexion</translation>
    </message>
    <message>
        <source>Facteur signs in to both servers before it saves anything.</source>
        <translation>Facteur se connecte aux deux serveurs avant d&apos;enregistrer quoi que ce soit.</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>&amp;Arrêter</translation>
    </message>
    <message>
        <source>&amp;View the certificate…</source>
        <translation>&amp;Voir le certificat…</translation>
    </message>
    <message>
        <source>&amp;Try again</source>
        <translation>&amp;Réessayer</translation>
    </message>
    <message>
        <source>Account name</source>
        <translation>Nom du compte</translation>
    </message>
    <message>
        <source>Account &amp;name:</source>
        <translation>&amp;Nom du compte&#xa0;:</translation>
    </message>
    <message>
        <source>How the account is called in Facteur&apos;s folder list. Press Finish to add it.</source>
        <translation>Le nom du compte dans la liste des dossiers de Facteur. Appuyez sur Terminer pour l&apos;ajouter.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>The connection test was stopped.</source>
        <translation>Le test de connexion a été arrêté.</translation>
    </message>
    <message>
        <source>Press “Try again” to test the settings again.</source>
        <translation>Appuyez sur «&#xa0;Réessayer&#xa0;» pour tester de nouveau les paramètres.</translation>
    </message>
    <message>
        <source>Everything works.</source>
        <translation>Tout fonctionne.</translation>
    </message>
    <message>
        <source>✓ Facteur signed in to {imap} to read your mail and to {smtp} to send it.</source>
        <translation>✓ Facteur s&apos;est connecté à {imap} pour lire vos messages et à {smtp} pour les envoyer.</translation>
    </message>
    <message>
        <source>The test failed.</source>
        <translation>Le test a échoué.</translation>
    </message>
    <message>
        <source>The certificate of {server} is not trusted: {reason}.</source>
        <translation>Le certificat de {server} n&apos;est pas approuvé&#xa0;: {reason}.</translation>
    </message>
</context>
<context>
    <name>FolderActions</name>
    <message>
        <source>New Folder</source>
        <translation>Nouveau dossier</translation>
    </message>
    <message>
        <source>Name of the new folder:</source>
        <translation>Nom du nouveau dossier&#xa0;:</translation>
    </message>
    <message>
        <source>Could not create the folder</source>
        <translation>Impossible de créer le dossier</translation>
    </message>
    <message>
        <source>Rename Folder</source>
        <translation>Renommer le dossier</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>Nouveau nom&#xa0;:</translation>
    </message>
    <message>
        <source>Could not rename the folder</source>
        <translation>Impossible de renommer le dossier</translation>
    </message>
    <message>
        <source>Could not delete the folder</source>
        <translation>Impossible de supprimer le dossier</translation>
    </message>
    <message>
        <source>This folder cannot be renamed</source>
        <translation>Ce dossier ne peut pas être renommé</translation>
    </message>
    <message>
        <source>Inbox, Sent, Drafts, Trash, Junk and Archive keep their names.</source>
        <translation>Boîte de réception, Envoyés, Brouillons, Corbeille, Indésirables et Archives gardent leur nom.</translation>
    </message>
    <message>
        <source>This folder cannot be deleted</source>
        <translation>Ce dossier ne peut pas être supprimé</translation>
    </message>
    <message>
        <source>Inbox, Sent, Drafts, Trash, Junk and Archive are needed by the account.</source>
        <translation>Boîte de réception, Envoyés, Brouillons, Corbeille, Indésirables et Archives sont nécessaires au compte.</translation>
    </message>
    <message>
        <source>Name of the new folder in %1:</source>
        <translation>Nom du nouveau dossier dans %1&#xa0;:</translation>
    </message>
</context>
<context>
    <name>FolderDialogs</name>
    <message>
        <source>A folder needs a name.</source>
        <translation>Un dossier doit avoir un nom.</translation>
    </message>
    <message>
        <source>A folder name cannot start or end with a space.</source>
        <translation>Un nom de dossier ne peut ni commencer ni finir par une espace.</translation>
    </message>
    <message>
        <source>A folder name cannot contain * or % or control characters.</source>
        <translation>Un nom de dossier ne peut contenir ni *, ni %, ni caractère de contrôle.</translation>
    </message>
    <message>
        <source>Delete Folder</source>
        <translation>Supprimer le dossier</translation>
    </message>
    <message>
        <source>A folder name cannot contain “%1”.</source>
        <translation>Un nom de dossier ne peut pas contenir «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>There is already a folder called “%1” here.</source>
        <translation>Il existe déjà un dossier nommé «&#xa0;%1&#xa0;» ici.</translation>
    </message>
    <message>
        <source>Delete the empty folder “%1”?</source>
        <translation>Supprimer le dossier vide «&#xa0;%1&#xa0;»&#xa0;?</translation>
    </message>
    <message>
        <source>Delete the folder “%1” and the %2 messages in it? This cannot be undone.</source>
        <translation>Supprimer le dossier «&#xa0;%1&#xa0;» et les %2 messages qu&apos;il contient&#xa0;? Cette action est irréversible.</translation>
    </message>
</context>
<context>
    <name>GooglePage</name>
    <message>
        <source>Sign in to Gmail</source>
        <translation type="vanished">Connexion à Gmail</translation>
    </message>
    <message>
        <source>&lt;b&gt;Or use an app password&lt;/b&gt;</source>
        <translation>&lt;b&gt;Ou utilisez un mot de passe d&apos;application&lt;/b&gt;</translation>
    </message>
    <message>
        <source>App password</source>
        <translation>Mot de passe d&apos;application</translation>
    </message>
    <message>
        <source>&amp;App password:</source>
        <translation>Mot de passe d&apos;&amp;application&#xa0;:</translation>
    </message>
    <message>
        <source>Sign in to {service}</source>
        <translation>Connexion à {service}</translation>
    </message>
    <message>
        <source>Facteur signs in to {email} through {provider}, in your browser.</source>
        <translation>Facteur se connecte à {email} via {provider}, dans votre navigateur.</translation>
    </message>
    <message>
        <source>Facteur signs in to {email} through Google, in your browser.</source>
        <translation type="vanished">Facteur se connecte à {email} par Google, dans votre navigateur.</translation>
    </message>
</context>
<context>
    <name>GoogleSignInPanel</name>
    <message>
        <source>Sign in with Google</source>
        <translation type="vanished">Se connecter avec Google</translation>
    </message>
    <message>
        <source>Your browser opens Google&apos;s sign-in page. Facteur never sees your Google password; Google gives it a key to your mail that you can revoke at any time.</source>
        <translation type="vanished">Votre navigateur ouvre la page de connexion de Google. Facteur ne voit jamais votre mot de passe Google&#xa0;; Google lui donne une clé d&apos;accès à vos messages, que vous pouvez révoquer à tout moment.</translation>
    </message>
    <message>
        <source>Google needs to know which app is asking</source>
        <translation type="vanished">Google doit savoir quelle application le demande</translation>
    </message>
    <message>
        <source>Google asks every mail app to register an OAuth client. Choose the &lt;i&gt;client_secret.json&lt;/i&gt; file of a “Desktop app” client from Google Cloud Console, or enter its ID and secret (they can also come from the GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET environment variables).</source>
        <translation type="vanished">Google demande à chaque application de messagerie d&apos;enregistrer un client OAuth. Choisissez le fichier &lt;i&gt;client_secret.json&lt;/i&gt; d&apos;un client «&#xa0;Application de bureau&#xa0;» de la Google Cloud Console, ou saisissez son identifiant et son secret (ils peuvent aussi venir des variables d&apos;environnement GOOGLE_CLIENT_ID et GOOGLE_CLIENT_SECRET).</translation>
    </message>
    <message>
        <source>Choose client_secret.json…</source>
        <translation>Choisir client_secret.json…</translation>
    </message>
    <message>
        <source>Use this client</source>
        <translation>Utiliser ce client</translation>
    </message>
    <message>
        <source>Client ID:</source>
        <translation>Identifiant du client&#xa0;:</translation>
    </message>
    <message>
        <source>Client secret:</source>
        <translation>Secret du client&#xa0;:</translation>
    </message>
    <message>
        <source>&lt;b&gt;Continue in your browser&lt;/b&gt;</source>
        <translation>&lt;b&gt;Continuez dans votre navigateur&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Sign in to Google there and allow Facteur to use your mail. Then come back here: Facteur goes on by itself.</source>
        <translation type="vanished">Connectez-vous à Google et autorisez Facteur à utiliser vos messages. Revenez ensuite ici&#xa0;: Facteur continue tout seul.</translation>
    </message>
    <message>
        <source>&amp;Open the browser again</source>
        <translation>&amp;Rouvrir le navigateur</translation>
    </message>
    <message>
        <source>Cop&amp;y the link</source>
        <translation>Co&amp;pier le lien</translation>
    </message>
    <message>
        <source>&amp;Cancel sign-in</source>
        <translation>&amp;Annuler la connexion</translation>
    </message>
    <message>
        <source>Sign in &amp;again</source>
        <translation>Se reco&amp;nnecter</translation>
    </message>
    <message>
        <source>Sign in with {provider}</source>
        <translation>Se connecter avec {provider}</translation>
    </message>
    <message>
        <source>Your browser opens {provider}&apos;s sign-in page. Facteur never sees your {provider} password; {provider} gives it a key to your mail that you can revoke at any time.</source>
        <translation>Votre navigateur ouvre la page de connexion de {provider}. Facteur ne voit jamais votre mot de passe {provider}&#xa0;; {provider} lui donne une clé d&apos;accès à votre courrier, que vous pouvez révoquer à tout moment.</translation>
    </message>
    <message>
        <source>Sign in to {provider} there and allow Facteur to use your mail. Then come back here: Facteur goes on by itself.</source>
        <translation>Connectez-vous à {provider} dans le navigateur et autorisez Facteur à utiliser votre courrier. Revenez ensuite ici&#xa0;: Facteur continue tout seul.</translation>
    </message>
    <message>
        <source>{provider} needs to know which app is asking</source>
        <translation>{provider} doit savoir quelle application le demande</translation>
    </message>
    <message>
        <source>This copy of Facteur was built without a Google client: create a “Desktop app” OAuth client (&lt;a href=&quot;{url}&quot;&gt;as Google explains&lt;/a&gt;) and choose its &lt;i&gt;client_secret.json&lt;/i&gt; or enter its ID and secret here, or set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET.</source>
        <translation>Cette copie de Facteur a été construite sans client Google&#xa0;: créez un client OAuth «&#xa0;Application de bureau&#xa0;» (&lt;a href=&quot;{url}&quot;&gt;comme Google l&apos;explique&lt;/a&gt;) et choisissez son &lt;i&gt;client_secret.json&lt;/i&gt; ou saisissez ici son identifiant et son secret, ou définissez GOOGLE_CLIENT_ID et GOOGLE_CLIENT_SECRET.</translation>
    </message>
    <message>
        <source>This copy of Facteur was built without a Microsoft application ID: register a public client (&lt;a href=&quot;{url}&quot;&gt;as Microsoft explains&lt;/a&gt;, platform “Mobile and desktop applications”, redirect http://localhost) and enter its application ID here, or set MICROSOFT_CLIENT_ID.</source>
        <translation>Cette copie de Facteur a été construite sans identifiant d&apos;application Microsoft&#xa0;: enregistrez un client public (&lt;a href=&quot;{url}&quot;&gt;comme Microsoft l&apos;explique&lt;/a&gt;, plateforme «&#xa0;Applications mobiles et de bureau&#xa0;», redirection http://localhost) et saisissez ici son identifiant d&apos;application, ou définissez MICROSOFT_CLIENT_ID.</translation>
    </message>
    <message>
        <source>Choose the client secret file</source>
        <translation>Choisir le fichier du secret client</translation>
    </message>
    <message>
        <source>Google client secret (*.json)</source>
        <translation>Secret client Google (*.json)</translation>
    </message>
    <message>
        <source>Enter the client ID.</source>
        <translation>Saisissez l&apos;identifiant du client.</translation>
    </message>
    <message>
        <source>No browser could be opened. Open this link yourself: &lt;a href=&quot;{url}&quot;&gt;sign in with {provider}&lt;/a&gt;</source>
        <translation>Aucun navigateur n&apos;a pu être ouvert. Ouvrez ce lien vous-même&#xa0;: &lt;a href=&quot;{url}&quot;&gt;se connecter avec {provider}&lt;/a&gt;</translation>
    </message>
    <message>
        <source>✓ Signed in with {provider} as {email}.</source>
        <translation>✓ Connecté avec {provider} en tant que {email}.</translation>
    </message>
    <message>
        <source>No browser could be opened. Open this link yourself: &lt;a href=&quot;{url}&quot;&gt;sign in with Google&lt;/a&gt;</source>
        <translation type="vanished">Aucun navigateur n&apos;a pu être ouvert. Ouvrez ce lien vous-même&#xa0;: &lt;a href=&quot;{url}&quot;&gt;se connecter avec Google&lt;/a&gt;</translation>
    </message>
    <message>
        <source>This sign-in expires in {minutes}:{seconds:02d}.</source>
        <translation>Cette connexion expire dans {minutes}:{seconds:02d}.</translation>
    </message>
    <message>
        <source>✓ Signed in with Google as {email}.</source>
        <translation type="vanished">✓ Connecté avec Google en tant que {email}.</translation>
    </message>
    <message>
        <source>&lt;b&gt;The sign-in did not complete.&lt;/b&gt; {detail}</source>
        <translation>&lt;b&gt;La connexion n&apos;a pas abouti.&lt;/b&gt; {detail}</translation>
    </message>
</context>
<context>
    <name>HtmlMessageView</name>
    <message>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <source>Select All</source>
        <translation>Tout sélectionner</translation>
    </message>
    <message>
        <source>Open Link in Browser</source>
        <translation>Ouvrir le lien dans le navigateur</translation>
    </message>
    <message>
        <source>Copy Link Address</source>
        <translation>Copier l&apos;adresse du lien</translation>
    </message>
</context>
<context>
    <name>IdentitiesEditor</name>
    <message>
        <source>Identities</source>
        <translation>Identités</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Ajouter</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <source>Make &amp;default</source>
        <translation>Définir par &amp;défaut</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>Signature</translation>
    </message>
    <message>
        <source>This is not an email address.</source>
        <translation>Ce n&apos;est pas une adresse électronique.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nom&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>Adr&amp;esse&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Signature:</source>
        <translation>Si&amp;gnature&#xa0;:</translation>
    </message>
    <message>
        <source>The first identity is the default one for new messages.</source>
        <translation>La première identité est celle des nouveaux messages par défaut.</translation>
    </message>
    <message>
        <source>(new identity)</source>
        <translation>(nouvelle identité)</translation>
    </message>
    <message>
        <source>{identity} — default</source>
        <translation>{identity} — par défaut</translation>
    </message>
</context>
<context>
    <name>IdentityPage</name>
    <message>
        <source>Add a mail account</source>
        <translation>Ajouter un compte de messagerie</translation>
    </message>
    <message>
        <source>Facteur finds your provider&apos;s settings from your address.</source>
        <translation>Facteur trouve les paramètres de votre fournisseur à partir de votre adresse.</translation>
    </message>
    <message>
        <source>Alice Martin</source>
        <translation>Alice Martin</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Votre nom</translation>
    </message>
    <message>
        <source>Shown to the people you write to</source>
        <translation>Affiché aux personnes à qui vous écrivez</translation>
    </message>
    <message>
        <source>alice@example.com</source>
        <translation>alice@example.com</translation>
    </message>
    <message>
        <source>Email address</source>
        <translation>Adresse électronique</translation>
    </message>
    <message>
        <source>Shown to the people you write to.</source>
        <translation>Affiché aux personnes à qui vous écrivez.</translation>
    </message>
    <message>
        <source>&amp;Skip and enter the settings myself</source>
        <translation>&amp;Passer et saisir les paramètres moi-même</translation>
    </message>
    <message>
        <source>Already signed in on this computer:</source>
        <translation>Déjà connecté sur cet ordinateur :</translation>
    </message>
    <message>
        <source>Or add another address:</source>
        <translation>Ou ajoutez une autre adresse :</translation>
    </message>
    <message>
        <source>&amp;Your name:</source>
        <translation>&amp;Votre nom&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Email address:</source>
        <translation>&amp;Adresse électronique&#xa0;:</translation>
    </message>
    <message>
        <source>Already in Facteur as “{label}”.</source>
        <translation>Déjà dans Facteur sous le nom « {label} ».</translation>
    </message>
    <message>
        <source>{provider}: GNOME Online Accounts needs you to sign in to it again first, in Settings › Online Accounts.</source>
        <translation>{provider} : les comptes en ligne de GNOME vous demandent d&apos;abord de vous y reconnecter, dans Paramètres › Comptes en ligne.</translation>
    </message>
    <message>
        <source>{provider}, signed in through GNOME Online Accounts: no password to type.</source>
        <translation>{provider}, connecté via les comptes en ligne de GNOME : aucun mot de passe à saisir.</translation>
    </message>
    <message>
        <source>Use your GNOME account {email}</source>
        <translation>Utiliser votre compte GNOME {email}</translation>
    </message>
    <message>
        <source>Use an account this computer already knows, or enter your address.</source>
        <translation>Utilisez un compte que cet ordinateur connaît déjà, ou saisissez votre adresse.</translation>
    </message>
    <message>
        <source>Facteur already has an account for {email} (“{label}”): edit it in the accounts list instead of adding it again.</source>
        <translation>Facteur a déjà un compte pour {email} («&#xa0;{label}&#xa0;»)&#xa0;: modifiez-le dans la liste des comptes au lieu de l&apos;ajouter à nouveau.</translation>
    </message>
    <message>
        <source>Looking up the settings for {domain}…</source>
        <translation>Recherche des paramètres de {domain}…</translation>
    </message>
</context>
<context>
    <name>LocalDraftsModel</name>
    <message>
        <source>To</source>
        <translation>Pour</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Sujet</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Enregistré</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Being written</source>
        <translation>En cours d&apos;écriture</translation>
    </message>
    <message>
        <source>Changed on another device</source>
        <translation>Modifié sur un autre appareil</translation>
    </message>
    <message>
        <source>On this computer, not on the server yet</source>
        <translation>Sur cet ordinateur, pas encore sur le serveur</translation>
    </message>
    <message>
        <source>Changed here, not on the server yet</source>
        <translation>Modifié ici, pas encore sur le serveur</translation>
    </message>
    <message>
        <source>(no recipient)</source>
        <translation>(aucun destinataire)</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(sans sujet)</translation>
    </message>
</context>
<context>
    <name>LocalDraftsView</name>
    <message>
        <source>Local drafts</source>
        <translation type="vanished">Brouillons locaux</translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="vanished">Ouvrir</translation>
    </message>
    <message>
        <source>Drafts</source>
        <translation>Brouillons</translation>
    </message>
    <message>
        <source>No drafts</source>
        <translation>Aucun brouillon</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Modifier</translation>
    </message>
    <message>
        <source>Open the draft in the composer (Enter)</source>
        <translation>Ouvrir le brouillon dans l&apos;éditeur (Entrée)</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Could not download the draft</source>
        <translation>Impossible de télécharger le brouillon</translation>
    </message>
    <message>
        <source>Delete Draft</source>
        <translation>Supprimer le brouillon</translation>
    </message>
    <message>
        <source>Delete the draft “%1”?</source>
        <translation>Supprimer le brouillon «&#xa0;%1&#xa0;»&#xa0;?</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(sans sujet)</translation>
    </message>
</context>
<context>
    <name>LocalFolders</name>
    <message>
        <source>(no subject)</source>
        <translation type="vanished">(sans sujet)</translation>
    </message>
    <message>
        <source>“%1” may have been sent</source>
        <translation type="vanished">«&#xa0;%1&#xa0;» a peut-être été envoyé</translation>
    </message>
    <message>
        <source>Send Again</source>
        <translation type="vanished">Renvoyer</translation>
    </message>
    <message>
        <source>It Was Sent</source>
        <translation type="vanished">Il a été envoyé</translation>
    </message>
    <message>
        <source>The Outbox file was damaged</source>
        <translation>Le fichier de la boîte d’envoi était endommagé</translation>
    </message>
    <message>
        <source>Messages read from it and put back in the Outbox, not sent: %1. Check each one, then send it again.</source>
        <translation>Messages relus et remis dans la boîte d’envoi, non envoyés : %1. Vérifiez chacun, puis renvoyez-le.</translation>
    </message>
    <message>
        <source>No message in the Outbox could be read from it.</source>
        <translation>Aucun message de la boîte d’envoi n’a pu y être relu.</translation>
    </message>
    <message>
        <source>The local drafts file was damaged</source>
        <translation>Le fichier des brouillons locaux était endommagé</translation>
    </message>
    <message>
        <source>Drafts read from it and put back in Local Drafts: %1.</source>
        <translation>Brouillons relus et remis dans les brouillons locaux : %1.</translation>
    </message>
    <message>
        <source>No draft could be read from it.</source>
        <translation>Aucun brouillon n’a pu y être relu.</translation>
    </message>
    <message>
        <source>Facteur kept it as %1 and started a new one.</source>
        <translation>Facteur l’a conservé sous %1 et en a commencé un nouveau.</translation>
    </message>
    <message>
        <source>Messages that could not be read and were not sent: %1.</source>
        <translation>Messages illisibles, qui n’ont pas été envoyés : %1.</translation>
    </message>
    <message>
        <source>Rebuilt as drafts from what you wrote, in Local Drafts: %1.</source>
        <translation>Refaits en brouillons à partir de ce que vous aviez écrit, dans les brouillons locaux : %1.</translation>
    </message>
    <message>
        <source>Messages that could only be saved as files: %1, in %2.</source>
        <translation>Messages qui n’ont pu être conservés que sous forme de fichiers : %1, dans %2.</translation>
    </message>
    <message>
        <source>Part of the file could not be read.</source>
        <translation>Une partie du fichier n’a pas pu être lue.</translation>
    </message>
    <message>
        <source>Outbox</source>
        <translation>Boîte d&apos;envoi</translation>
    </message>
    <message>
        <source>Drafts</source>
        <translation>Brouillons</translation>
    </message>
    <message>
        <source>Forwarding the first %1 messages</source>
        <translation>Transfert des %1 premiers messages</translation>
    </message>
    <message>
        <source>More would make a message too large to send.</source>
        <translation>Davantage rendrait le message trop lourd pour être envoyé.</translation>
    </message>
    <message>
        <source>Could not download the message</source>
        <translation>Impossible de télécharger le message</translation>
    </message>
</context>
<context>
    <name>MailActions</name>
    <message>
        <source>&amp;New Message</source>
        <translation>&amp;Rédiger</translation>
    </message>
    <message>
        <source>&amp;Reply</source>
        <translation>&amp;Répondre</translation>
    </message>
    <message>
        <source>Reply to &amp;All</source>
        <translation>Répondre à &amp;tous</translation>
    </message>
    <message>
        <source>&amp;Forward</source>
        <translation>Trans&amp;férer</translation>
    </message>
    <message>
        <source>&amp;Open in New Window</source>
        <translation>&amp;Ouvrir dans une nouvelle fenêtre</translation>
    </message>
    <message>
        <source>Open &amp;Message File…</source>
        <translation>Ouvrir un &amp;fichier de message…</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>Supprim&amp;er</translation>
    </message>
    <message>
        <source>Delete &amp;Permanently…</source>
        <translation>Supprimer &amp;définitivement…</translation>
    </message>
    <message>
        <source>Arc&amp;hive</source>
        <translation>&amp;Archiver</translation>
    </message>
    <message>
        <source>Mark as &amp;Read</source>
        <translation>Marquer comme &amp;lu</translation>
    </message>
    <message>
        <source>Mark as &amp;Unread</source>
        <translation>Marquer comme &amp;non lu</translation>
    </message>
    <message>
        <source>&amp;Star</source>
        <translation>&amp;Suivre</translation>
    </message>
    <message>
        <source>&amp;Move To</source>
        <translation>&amp;Déplacer vers</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>Ann&amp;uler</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Rechercher</translation>
    </message>
    <message>
        <source>&amp;Get Messages</source>
        <translation>Relever le &amp;courrier</translation>
    </message>
    <message>
        <source>&amp;Next Unread</source>
        <translation>Message non lu &amp;suivant</translation>
    </message>
    <message>
        <source>&amp;Previous Unread</source>
        <translation>Message non lu &amp;précédent</translation>
    </message>
    <message>
        <source>Group by &amp;Conversation</source>
        <translation>Regrouper par &amp;conversation</translation>
    </message>
    <message>
        <source>New &amp;Folder…</source>
        <translation>&amp;Nouveau dossier…</translation>
    </message>
    <message>
        <source>&amp;Rename Folder…</source>
        <translation>Renommer le &amp;dossier…</translation>
    </message>
    <message>
        <source>De&amp;lete Folder…</source>
        <translation>&amp;Supprimer le dossier…</translation>
    </message>
    <message>
        <source>&amp;Add Account…</source>
        <translation>&amp;Ajouter un compte…</translation>
    </message>
    <message>
        <source>A&amp;ccounts…</source>
        <translation>C&amp;omptes…</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Préférences…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Raccourcis clavier</translation>
    </message>
    <message>
        <source>&amp;About Facteur</source>
        <translation>À &amp;propos de Facteur</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>É&amp;dition</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>Affic&amp;hage</translation>
    </message>
    <message>
        <source>&amp;Message</source>
        <translation>&amp;Message</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>Main Toolbar</source>
        <translation>Barre d&apos;outils principale</translation>
    </message>
</context>
<context>
    <name>MailStatusBar</name>
    <message>
        <source>Synchronisation progress</source>
        <translation>Progression de la synchronisation</translation>
    </message>
    <message>
        <source>Stop synchronising</source>
        <translation>Arrêter la synchronisation</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Connecté</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Hors connexion</translation>
    </message>
    <message>
        <source>Cannot connect</source>
        <translation>Connexion impossible</translation>
    </message>
    <message>
        <source>Keyring locked</source>
        <translation>Trousseau verrouillé</translation>
    </message>
    <message>
        <source>Opening the mail store…</source>
        <translation>Ouverture du stockage du courrier…</translation>
    </message>
    <message>
        <source>Upgrading the mail store…</source>
        <translation>Mise à niveau du stockage du courrier…</translation>
    </message>
    <message>
        <source>Cannot open the mail store</source>
        <translation>Impossible d&apos;ouvrir le stockage du courrier</translation>
    </message>
    <message numerus="yes">
        <source>%Ln message(s)</source>
        <translation>
            <numerusform>%Ln message</numerusform>
            <numerusform>%Ln messages</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 unread</source>
        <translation>non lus&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>%Ln message(s) waiting to be sent</source>
        <translation>
            <numerusform>%Ln message en attente d’envoi</numerusform>
            <numerusform>%Ln messages en attente d’envoi</numerusform>
        </translation>
    </message>
    <message>
        <source>Outbox empty</source>
        <translation>Boîte d’envoi vide</translation>
    </message>
    <message numerus="yes">
        <source>%Ln draft(s)</source>
        <translation>
            <numerusform>%Ln brouillon</numerusform>
            <numerusform>%Ln brouillons</numerusform>
        </translation>
    </message>
    <message>
        <source>No drafts</source>
        <translation>Aucun brouillon</translation>
    </message>
    <message numerus="yes">
        <source>%Ln message(s) found, looking for more…</source>
        <translation>
            <numerusform>%Ln message trouvé, recherche des suivants…</numerusform>
            <numerusform>%Ln messages trouvés, recherche des suivants…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln message(s) found</source>
        <translation>
            <numerusform>%Ln message trouvé</numerusform>
            <numerusform>%Ln messages trouvés</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MailboxTreeModel</name>
    <message>
        <source>Local Folders</source>
        <translation>Dossiers locaux</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>Boîte de réception</translation>
    </message>
    <message>
        <source>Messages kept on this computer: the Outbox and local drafts</source>
        <translation>Messages gardés sur cet ordinateur&#xa0;: la boîte d&apos;envoi et les brouillons locaux</translation>
    </message>
    <message>
        <source>%1, %2 unread</source>
        <translation>%1, %2 non lus</translation>
    </message>
    <message>
        <source>Drafts</source>
        <translation>Brouillons</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Envoyés</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>Archives</translation>
    </message>
    <message>
        <source>Junk</source>
        <translation>Indésirables</translation>
    </message>
    <message>
        <source>Trash</source>
        <translation>Corbeille</translation>
    </message>
    <message>
        <source>All Inboxes</source>
        <translation>Toutes les boîtes de réception</translation>
    </message>
    <message>
        <source>All Unread</source>
        <translation>Tous les non lus</translation>
    </message>
    <message>
        <source>Starred</source>
        <translation>Suivis</translation>
    </message>
    <message>
        <source>%1 (opening…)</source>
        <translation>%1 (ouverture…)</translation>
    </message>
    <message>
        <source>%1 (upgrading…)</source>
        <translation>%1 (mise à niveau…)</translation>
    </message>
    <message>
        <source>%1 (cannot be opened)</source>
        <translation>%1 (impossible à ouvrir)</translation>
    </message>
    <message>
        <source>%1, %2 waiting, %3 not sent</source>
        <translation>%1, %2 en attente, non envoyés&#xa0;: %3</translation>
    </message>
    <message>
        <source>The inboxes of every account: %1 messages, %2 unread</source>
        <translation>Les boîtes de réception de tous les comptes : %1 messages, %2 non lus</translation>
    </message>
    <message>
        <source>Unread messages of every account: %1</source>
        <translation>Messages non lus de tous les comptes : %1</translation>
    </message>
    <message>
        <source>Starred messages of every account: %1, %2 unread</source>
        <translation>Messages suivis de tous les comptes : %1, dont %2 non lus</translation>
    </message>
    <message>
        <source>%1: connected</source>
        <translation>%1&#xa0;: connecté</translation>
    </message>
    <message>
        <source>%1: connecting…</source>
        <translation>%1&#xa0;: connexion…</translation>
    </message>
    <message>
        <source>%1: offline — changes are kept and sent when the connection is back</source>
        <translation>%1&#xa0;: hors connexion — les modifications sont gardées et envoyées au retour de la connexion</translation>
    </message>
    <message>
        <source>%1: cannot connect</source>
        <translation>%1&#xa0;: connexion impossible</translation>
    </message>
    <message>
        <source>%1: opening the mail kept on this computer…</source>
        <translation>%1&#xa0;: ouverture du courrier conservé sur cet ordinateur…</translation>
    </message>
    <message>
        <source>%1: upgrading the mail kept on this computer (once, after an update of Facteur)…</source>
        <translation>%1&#xa0;: mise à niveau du courrier conservé sur cet ordinateur (une seule fois, après une mise à jour de Facteur)…</translation>
    </message>
    <message>
        <source>%1: the mail kept on this computer cannot be opened</source>
        <translation>%1&#xa0;: le courrier conservé sur cet ordinateur ne peut pas être ouvert</translation>
    </message>
    <message>
        <source>%1: %2 waiting to be sent, %3 could not be sent — select it to retry or edit</source>
        <translation>%1&#xa0;: %2 en attente d’envoi, non envoyés&#xa0;: %3 — sélectionnez-la pour réessayer ou modifier</translation>
    </message>
    <message>
        <source>%1: %2 messages, %3 unread</source>
        <translation>%1&#xa0;: %2 messages, %3 non lus</translation>
    </message>
    <message>
        <source>Only messages can be dropped on a folder.</source>
        <translation>Seuls des messages peuvent être déposés sur un dossier.</translation>
    </message>
    <message>
        <source>Drop the messages on a folder.</source>
        <translation>Déposez les messages sur un dossier.</translation>
    </message>
    <message>
        <source>Local Folders hold only what Facteur sends and your local drafts: messages cannot be moved there.</source>
        <translation>Les dossiers locaux ne contiennent que ce que Facteur envoie et vos brouillons locaux : on ne peut pas y déplacer de messages.</translation>
    </message>
    <message>
        <source>%1 is an account, not a folder: drop the messages on one of its folders.</source>
        <translation>%1 est un compte, pas un dossier : déposez les messages sur l’un de ses dossiers.</translation>
    </message>
    <message>
        <source>Messages cannot be moved to %1.</source>
        <translation>Les messages ne peuvent pas être déplacés vers %1.</translation>
    </message>
    <message>
        <source>%1 holds only what Facteur sends or drafts you write: messages cannot be moved there.</source>
        <translation>%1 ne contient que ce que Facteur envoie ou les brouillons que vous écrivez : on ne peut pas y déplacer de messages.</translation>
    </message>
    <message>
        <source>%1 cannot hold messages on this server, only other folders.</source>
        <translation>Sur ce serveur, %1 ne peut pas contenir de messages, seulement d’autres dossiers.</translation>
    </message>
    <message>
        <source>%1 belongs to another account: messages can be moved only between folders of one account.</source>
        <translation>%1 appartient à un autre compte : les messages ne se déplacent qu’entre les dossiers d’un même compte.</translation>
    </message>
    <message>
        <source>The messages are already in %1.</source>
        <translation>Les messages sont déjà dans %1.</translation>
    </message>
</context>
<context>
    <name>MailboxTreeView</name>
    <message>
        <source>Folders</source>
        <translation>Dossiers</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Welcome to Facteur</source>
        <translation>Bienvenue dans Facteur</translation>
    </message>
    <message>
        <source>Add your e-mail account to read and send mail. Gmail takes two clicks; other providers need your address and password.</source>
        <translation>Ajoutez votre compte de messagerie pour lire et envoyer des messages. Gmail se configure en deux clics&#xa0;; les autres fournisseurs demandent votre adresse et votre mot de passe.</translation>
    </message>
    <message>
        <source>Add Account…</source>
        <translation>Ajouter un compte…</translation>
    </message>
    <message>
        <source>Opening the mail of %1 kept on this computer…</source>
        <translation>Ouverture du courrier de %1 conservé sur cet ordinateur…</translation>
    </message>
    <message>
        <source>The mail of %1 kept on this computer cannot be opened.</source>
        <translation>Le courrier de %1 conservé sur cet ordinateur ne peut pas être ouvert.</translation>
    </message>
    <message>
        <source>No message selected</source>
        <translation>Aucun message sélectionné</translation>
    </message>
    <message>
        <source>Could not download the draft</source>
        <translation>Impossible de télécharger le brouillon</translation>
    </message>
    <message>
        <source>Open Message File</source>
        <translation>Ouvrir un fichier de message</translation>
    </message>
    <message>
        <source>E-mail messages (*.eml *.msg *.txt);;All files (*)</source>
        <translation>Messages électroniques (*.eml *.msg *.txt);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>No more unread messages in this folder</source>
        <translation>Plus de message non lu dans ce dossier</translation>
    </message>
    <message numerus="yes">
        <source>%n new message(s)</source>
        <translation>
            <numerusform>%n nouveau message</numerusform>
            <numerusform>%n nouveaux messages</numerusform>
        </translation>
    </message>
    <message>
        <source>About Facteur</source>
        <translation type="vanished">À propos de Facteur</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(sans sujet)</translation>
    </message>
    <message>
        <source>Cannot open the local copy of %1</source>
        <translation type="vanished">Impossible d&apos;ouvrir la copie locale de %1</translation>
    </message>
    <message>
        <source>The local copy of %1 was damaged</source>
        <translation>La copie locale de %1 était endommagée</translation>
    </message>
    <message>
        <source>Facteur put it aside (%1) and is downloading your mail again from the server. Messages in the Outbox and local drafts are kept.</source>
        <translation>Facteur l&apos;a mise de côté (%1) et télécharge à nouveau votre courrier depuis le serveur. Les messages de la boîte d&apos;envoi et les brouillons locaux sont conservés.</translation>
    </message>
    <message>
        <source>Changes you made offline that were not yet on the server (%1) were kept and will be sent.</source>
        <translation>Les modifications faites hors ligne qui n’étaient pas encore sur le serveur (%1) ont été conservées et seront envoyées.</translation>
    </message>
    <message>
        <source>Some changes you made offline could not be read from the damaged file and may be missing: check your recent moves, deletions and flags.</source>
        <translation>Certaines modifications faites hors ligne n’ont pas pu être relues dans le fichier endommagé et peuvent manquer : vérifiez vos déplacements, suppressions et drapeaux récents.</translation>
    </message>
    <message>
        <source>The local copy of %1 is damaged</source>
        <translation>La copie locale de %1 est endommagée</translation>
    </message>
    <message>
        <source>Facteur will rebuild it from the server. Messages in the Outbox and local drafts are kept.</source>
        <translation>Facteur va la reconstruire depuis le serveur. Les messages de la boîte d&apos;envoi et les brouillons locaux sont conservés.</translation>
    </message>
    <message>
        <source>Rebuild Now</source>
        <translation>Reconstruire maintenant</translation>
    </message>
    <message>
        <source>Try Again</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <source>Manage Accounts…</source>
        <translation>Gérer les comptes…</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Déverrouiller</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>Choisissez un dossier</translation>
    </message>
    <message>
        <source>Main window</source>
        <translation>Fenêtre principale</translation>
    </message>
    <message>
        <source>Undone: %1</source>
        <translation>Annulé : %1</translation>
    </message>
    <message>
        <source>&amp;Undo %1</source>
        <translation>Ann&amp;uler : %1</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>Ann&amp;uler</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) selected</source>
        <translation>
            <numerusform>%n message sélectionné</numerusform>
            <numerusform>%n messages sélectionnés</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not open the message file</source>
        <translation>Impossible d&apos;ouvrir le fichier de message</translation>
    </message>
    <message>
        <source>Link not opened</source>
        <translation>Lien non ouvert</translation>
    </message>
    <message>
        <source>New mail from %1</source>
        <translation>Nouveau message de %1</translation>
    </message>
    <message>
        <source>%1 new messages</source>
        <translation type="vanished">%1 nouveaux messages</translation>
    </message>
    <message>
        <source>Facteur — a fast, safe desktop mail client.
Qt %1</source>
        <translation type="vanished">Facteur — un client de messagerie de bureau rapide et sûr.
Qt %1</translation>
    </message>
    <message>
        <source>%1 messages selected</source>
        <translation type="vanished">%1 messages sélectionnés</translation>
    </message>
    <message>
        <source>Facteur opens only web and mail links (%1).</source>
        <translation>Facteur n&apos;ouvre que les liens web et de messagerie (%1).</translation>
    </message>
</context>
<context>
    <name>ManualPage</name>
    <message>
        <source>Server settings</source>
        <translation>Paramètres des serveurs</translation>
    </message>
    <message>
        <source>&lt;b&gt;No encryption.&lt;/b&gt; Your password and your mail would travel in clear text: anyone on the same network (a café&apos;s Wi-Fi, your provider) could read them or take over your account. Choose SSL/TLS or STARTTLS unless this server is on your own machine.</source>
        <translation>&lt;b&gt;Pas de chiffrement.&lt;/b&gt; Votre mot de passe et vos messages circuleraient en clair&#xa0;: n&apos;importe qui sur le même réseau (le Wi-Fi d&apos;un café, votre fournisseur d&apos;accès) pourrait les lire ou prendre le contrôle de votre compte. Choisissez SSL/TLS ou STARTTLS, sauf si ce serveur est sur votre propre machine.</translation>
    </message>
    <message>
        <source>I understand: connect &amp;without encryption</source>
        <translation>J&apos;ai compris&#xa0;: se connecter sans &amp;chiffrement</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>&amp;Mot de passe&#xa0;:</translation>
    </message>
    <message>
        <source>Facteur found no settings for {domain}. Your provider&apos;s help pages list them (look for “IMAP” and “SMTP”).</source>
        <translation>Facteur n&apos;a trouvé aucun paramètre pour {domain}. Les pages d&apos;aide de votre fournisseur les donnent (cherchez «&#xa0;IMAP&#xa0;» et «&#xa0;SMTP&#xa0;»).</translation>
    </message>
    <message>
        <source>Change what your provider told you to use.</source>
        <translation>Modifiez ce que votre fournisseur vous a indiqué.</translation>
    </message>
</context>
<context>
    <name>MessageCommands</name>
    <message>
        <source>1 message</source>
        <translation type="vanished">1 message</translation>
    </message>
    <message>
        <source>%1 messages</source>
        <translation type="vanished">%1 messages</translation>
    </message>
    <message>
        <source>No Archive folder</source>
        <translation>Pas de dossier d&apos;archives</translation>
    </message>
    <message>
        <source>change %1</source>
        <translation>modifier %1</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 in several folders would be deleted for good. This cannot be undone.</source>
        <translation>Supprimer %1 dans plusieurs dossiers serait définitif. Cette action est irréversible.</translation>
    </message>
    <message>
        <source>This account has no Trash folder, so %1 in %2 would be deleted for good. This cannot be undone.</source>
        <translation>Ce compte n’a pas de corbeille : supprimer %1 dans %2 serait définitif. Cette action est irréversible.</translation>
    </message>
    <message>
        <source>%1 in %2 would be deleted for good. This cannot be undone.</source>
        <translation>Supprimer %1 dans %2 serait définitif. Cette action est irréversible.</translation>
    </message>
    <message>
        <source>Delete Permanently?</source>
        <translation>Supprimer définitivement ?</translation>
    </message>
    <message>
        <source>Delete Permanently</source>
        <translation>Supprimer définitivement</translation>
    </message>
    <message>
        <source>Mark as Read</source>
        <translation>Marquer comme lu</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) marked as read</source>
        <translation>
            <numerusform>%n message marqué comme lu</numerusform>
            <numerusform>%n messages marqués comme lus</numerusform>
        </translation>
    </message>
    <message>
        <source>Mark as Unread</source>
        <translation>Marquer comme non lu</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) marked as unread</source>
        <translation>
            <numerusform>%n message marqué comme non lu</numerusform>
            <numerusform>%n messages marqués comme non lus</numerusform>
        </translation>
    </message>
    <message>
        <source>Star</source>
        <translation>Suivre</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) starred</source>
        <translation>
            <numerusform>%n message suivi</numerusform>
            <numerusform>%n messages suivis</numerusform>
        </translation>
    </message>
    <message>
        <source>Remove Star</source>
        <translation>Ne plus suivre</translation>
    </message>
    <message numerus="yes">
        <source>Star removed from %n message(s)</source>
        <translation>
            <numerusform>%n message n’est plus suivi</numerusform>
            <numerusform>%n messages ne sont plus suivis</numerusform>
        </translation>
    </message>
    <message>
        <source>Move</source>
        <translation>Déplacer</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) moved to %1</source>
        <translation>
            <numerusform>%n message déplacé dans %1</numerusform>
            <numerusform>%n messages déplacés dans %1</numerusform>
        </translation>
    </message>
    <message>
        <source>delete %1</source>
        <translation>supprimer %1</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) moved to the Trash</source>
        <translation>
            <numerusform>%n message mis à la corbeille</numerusform>
            <numerusform>%n messages mis à la corbeille</numerusform>
        </translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>Archiver</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) archived</source>
        <translation>
            <numerusform>%n message archivé</numerusform>
            <numerusform>%n messages archivés</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not undo %1</source>
        <translation>Impossible d’annuler : %1</translation>
    </message>
    <message>
        <source>%1: %2 in %3 left unchanged</source>
        <translation>%1 : rien n’a été changé pour %2 dans %3</translation>
    </message>
    <message>
        <source>The folder was rebuilt on the server since you changed them offline, and these messages could not be found again. Check them and do it again if needed.</source>
        <translation>Le dossier a été reconstruit sur le serveur depuis vos modifications hors ligne, et ces messages n’ont pas pu être retrouvés. Vérifiez-les et recommencez si besoin.</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>Rien n&apos;a été modifié.</translation>
    </message>
    <message>
        <source>Could not %1</source>
        <translation>Impossible de %1</translation>
    </message>
    <message>
        <source>%1 has no folder marked for archiving. Move the messages to a folder instead.</source>
        <translation>%1 n&apos;a pas de dossier d&apos;archives. Déplacez plutôt les messages vers un dossier.</translation>
    </message>
    <message>
        <source>move %1 to %2</source>
        <translation>déplacer %1 vers %2</translation>
    </message>
    <message>
        <source>change %1 in %2</source>
        <translation>modifier %1 dans %2</translation>
    </message>
    <message>
        <source>move %1 back out of %2</source>
        <translation>remettre %1 hors de %2</translation>
    </message>
    <message>
        <source>%1 refused to %2</source>
        <translation>%1 a refusé de %2</translation>
    </message>
    <message>
        <source>move %1 out of %2</source>
        <translation>déplacer %1 hors de %2</translation>
    </message>
    <message>
        <source>delete %1 from %2</source>
        <translation>supprimer %1 de %2</translation>
    </message>
</context>
<context>
    <name>MessageHeaderView</name>
    <message>
        <source>Message headers</source>
        <translation>En-têtes du message</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Sujet</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(sans sujet)</translation>
    </message>
    <message>
        <source>From</source>
        <translation>De</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Pour</translation>
    </message>
    <message>
        <source>Cc</source>
        <translation>Cc</translation>
    </message>
    <message>
        <source>Copy Address</source>
        <translation>Copier l&apos;adresse</translation>
    </message>
    <message>
        <source>New Message To %1</source>
        <translation>Nouveau message à %1</translation>
    </message>
</context>
<context>
    <name>MessageList</name>
    <message>
        <source>Starred</source>
        <translation>Suivi</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>Pièces jointes</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Sujet</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Has attachments</source>
        <translation>Avec pièces jointes</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Pour</translation>
    </message>
    <message>
        <source>From</source>
        <translation>De</translation>
    </message>
    <message>
        <source>Click to star</source>
        <translation>Cliquer pour suivre</translation>
    </message>
    <message>
        <source>Not starred</source>
        <translation>Non suivi</translation>
    </message>
    <message>
        <source>No attachments</source>
        <translation>Sans pièce jointe</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(sans sujet)</translation>
    </message>
    <message>
        <source>Unread: %1</source>
        <translation>Non lu&#xa0;: %1</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
</context>
<context>
    <name>MessageListView</name>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
    <message>
        <source>1 message</source>
        <translation type="vanished">1 message</translation>
    </message>
    <message>
        <source>%1 messages</source>
        <translation type="vanished">%1 messages</translation>
    </message>
</context>
<context>
    <name>MessageOpener</name>
    <message>
        <source>Loading message…</source>
        <translation>Chargement du message…</translation>
    </message>
    <message>
        <source>No message selected</source>
        <translation>Aucun message sélectionné</translation>
    </message>
    <message>
        <source>This message could not be read: {reason}.</source>
        <translation>Ce message n’a pas pu être lu&#xa0;: {reason}.</translation>
    </message>
    <message>
        <source>This message could not be downloaded.</source>
        <translation>Ce message n&apos;a pas pu être téléchargé.</translation>
    </message>
    <message>
        <source>The attachment could not be downloaded.</source>
        <translation>La pièce jointe n’a pas pu être téléchargée.</translation>
    </message>
</context>
<context>
    <name>Notifications</name>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Close notification</source>
        <translation>Fermer la notification</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Notifications</translation>
    </message>
</context>
<context>
    <name>Outbox</name>
    <message>
        <source>Not sent</source>
        <translation>Non envoyé</translation>
    </message>
    <message>
        <source>Waiting (undo possible)</source>
        <translation>En attente (annulation possible)</translation>
    </message>
    <message>
        <source>Waiting for the keyring</source>
        <translation>En attente du trousseau</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>En file d&apos;attente</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Envoi…</translation>
    </message>
    <message>
        <source>Checking whether it was sent…</source>
        <translation type="vanished">Vérification de l&apos;envoi…</translation>
    </message>
    <message>
        <source>Sent; filing a copy in Sent…</source>
        <translation>Envoyé&#xa0;; classement d&apos;une copie dans Envoyés…</translation>
    </message>
    <message>
        <source>Interrupted: may have been sent</source>
        <translation type="vanished">Interrompu&#xa0;: a peut-être été envoyé</translation>
    </message>
    <message>
        <source>Send now</source>
        <translation>Envoyer maintenant</translation>
    </message>
    <message>
        <source>It was sent</source>
        <translation>Il a été envoyé</translation>
    </message>
    <message>
        <source>The recipients did get this message: remove it from the Outbox without sending it again</source>
        <translation>Les destinataires ont bien reçu ce message&#xa0;: le retirer de la boîte d&apos;envoi sans le renvoyer</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Modifier</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Will retry at {time}</source>
        <translation>Nouvel essai à {time}</translation>
    </message>
    <message>
        <source>May have been sent: checking…</source>
        <translation>A peut-être été envoyé&#xa0;: vérification…</translation>
    </message>
    <message>
        <source>May have been sent: send again, or mark it as sent</source>
        <translation type="vanished">A peut-être été envoyé&#xa0;: renvoyez-le, ou indiquez qu&apos;il a été envoyé</translation>
    </message>
    <message>
        <source>May have been sent</source>
        <translation>A peut-être été envoyé</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Sujet</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Pour</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(sans sujet)</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>Renvoyer</translation>
    </message>
</context>
<context>
    <name>Postbox</name>
    <message>
        <source>Unsent messages</source>
        <translation>Messages non envoyés</translation>
    </message>
    <message>
        <source>Open them</source>
        <translation>Les rouvrir</translation>
    </message>
    <message>
        <source>Keep as drafts</source>
        <translation>Les garder en brouillons</translation>
    </message>
    <message>
        <source>Facteur was closed while you were writing:
{names}

Open them again?</source>
        <translation>Facteur a été fermé pendant que vous écriviez&#xa0;:
{names}

Les rouvrir&#xa0;?</translation>
    </message>
    <message>
        <source>Not sent: {error}</source>
        <translation>Non envoyé&#xa0;: {error}</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(sans sujet)</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Préférences</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>Lecture</translation>
    </message>
    <message>
        <source>Writing</source>
        <translation>Rédaction</translation>
    </message>
    <message>
        <source>New Mail</source>
        <translation>Nouveau courrier</translation>
    </message>
    <message>
        <source>Privacy</source>
        <translation>Confidentialité</translation>
    </message>
    <message>
        <source>Mark messages as read when they are shown</source>
        <translation>Marquer les messages comme lus quand ils sont affichés</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>at once</source>
        <translation>immédiatement</translation>
    </message>
    <message>
        <source>After:</source>
        <translation>Après&#xa0;:</translation>
    </message>
    <message>
        <source>Group messages by conversation</source>
        <translation>Regrouper les messages par conversation</translation>
    </message>
    <message>
        <source> pt</source>
        <translation> pt</translation>
    </message>
    <message>
        <source>as the desktop</source>
        <translation>comme le bureau</translation>
    </message>
    <message>
        <source>Text size of messages:</source>
        <translation>Taille du texte des messages :</translation>
    </message>
    <message>
        <source>Formatted (HTML)</source>
        <translation>Mis en forme (HTML)</translation>
    </message>
    <message>
        <source>Plain text</source>
        <translation>Texte brut</translation>
    </message>
    <message>
        <source>Write new messages as:</source>
        <translation>Écrire les nouveaux messages en :</translation>
    </message>
    <message>
        <source>Above the quoted message</source>
        <translation>Au-dessus du message cité</translation>
    </message>
    <message>
        <source>Below the quoted message</source>
        <translation>Sous le message cité</translation>
    </message>
    <message>
        <source>Start replies:</source>
        <translation>Commencer les réponses :</translation>
    </message>
    <message>
        <source>The first account</source>
        <translation>Le premier compte</translation>
    </message>
    <message>
        <source>Send new messages from:</source>
        <translation>Envoyer les nouveaux messages depuis :</translation>
    </message>
    <message>
        <source>Tell me when new mail arrives in an Inbox</source>
        <translation>Me prévenir quand du courrier arrive dans une boîte de réception</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Check every folder every:</source>
        <translation>Relever tous les dossiers toutes les :</translation>
    </message>
    <message>
        <source>Servers that push new mail (IMAP IDLE) bring it to the Inbox at once; this is how often the other folders, and accounts whose server cannot push, are checked.</source>
        <translation>Les serveurs qui poussent le nouveau courrier (IMAP IDLE) l’apportent aussitôt dans la boîte de réception ; c’est la fréquence à laquelle les autres dossiers, et les comptes dont le serveur ne pousse pas, sont relevés.</translation>
    </message>
    <message>
        <source>Remote content is always loaded for these senders and domains:</source>
        <translation>Le contenu distant est toujours chargé pour ces expéditeurs et ces domaines :</translation>
    </message>
    <message>
        <source>Senders and domains</source>
        <translation>Expéditeurs et domaines</translation>
    </message>
    <message>
        <source>name@example.com or example.com</source>
        <translation>nom@exemple.fr ou exemple.fr</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Ajouter</translation>
    </message>
    <message>
        <source>“%1” is neither an address nor a domain.</source>
        <translation>« %1 » n’est ni une adresse ni un domaine.</translation>
    </message>
    <message>
        <source>Remote content is always loaded for these senders</source>
        <translation type="vanished">Le contenu distant est toujours chargé pour ces expéditeurs</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
</context>
<context>
    <name>ReaderView</name>
    <message>
        <source>This message does not say clearly who sent it (its From line is not one valid address). Be careful with what it asks.</source>
        <translation>Ce message ne dit pas clairement qui l&apos;a envoyé (sa ligne De n&apos;est pas une adresse valide unique). Méfiez-vous de ce qu&apos;il demande.</translation>
    </message>
    <message>
        <source>The sender&apos;s name in this message is disguised (it hides line breaks or control characters). Be careful with what it asks.</source>
        <translation>Le nom de l&apos;expéditeur de ce message est déguisé (il cache des sauts de ligne ou des caractères de contrôle). Méfiez-vous de ce qu&apos;il demande.</translation>
    </message>
    <message>
        <source>This message was sent by someone other than the address it shows in From (its Sender line differs).</source>
        <translation>Ce message a été envoyé par quelqu&apos;un d&apos;autre que l&apos;adresse indiquée dans De (sa ligne Sender diffère).</translation>
    </message>
    <message>
        <source>The sender&apos;s name looks like another address: the message really comes from %1.</source>
        <translation>Le nom de l&apos;expéditeur ressemble à une autre adresse : le message vient en réalité de %1.</translation>
    </message>
    <message>
        <source>This message is nested too deeply to be shown whole; the parts that could be found are shown.</source>
        <translation>Ce message est imbriqué trop profondément pour être affiché en entier ; les parties trouvées sont affichées.</translation>
    </message>
    <message>
        <source>Remote content blocked</source>
        <translation>Contenu distant bloqué</translation>
    </message>
    <message>
        <source>To protect your privacy, Facteur blocked remote content in this message.</source>
        <translation>Pour protéger votre vie privée, Facteur a bloqué le contenu distant de ce message.</translation>
    </message>
    <message>
        <source>Load Remote Content</source>
        <translation>Charger le contenu distant</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>This message is a draft.</source>
        <translation>Ce message est un brouillon.</translation>
    </message>
    <message>
        <source>Edit Draft</source>
        <translation>Modifier le brouillon</translation>
    </message>
    <message>
        <source>Message text</source>
        <translation>Texte du message</translation>
    </message>
    <message>
        <source>No message selected</source>
        <translation>Aucun message sélectionné</translation>
    </message>
    <message>
        <source>Try Again</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <source>Loading message…</source>
        <translation>Chargement du message…</translation>
    </message>
    <message>
        <source>Always for %1</source>
        <translation>Toujours pour %1</translation>
    </message>
</context>
<context>
    <name>ReaderWindow</name>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Save Attachments…</source>
        <translation>Enregistrer les pièces jointes…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Répondre</translation>
    </message>
    <message>
        <source>Reply to All</source>
        <translation>Répondre à tous</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>Transférer</translation>
    </message>
    <message>
        <source>Loading message…</source>
        <translation>Chargement du message…</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(sans sujet)</translation>
    </message>
    <message>
        <source>This message could not be read: {reason}</source>
        <translation>Ce message n’a pas pu être lu&#xa0;: {reason}</translation>
    </message>
</context>
<context>
    <name>Replies</name>
    <message>
        <source>On {date}, {name} wrote:</source>
        <translation>Le {date}, {name} a écrit&#xa0;:</translation>
    </message>
    <message>
        <source>{name} wrote:</source>
        <translation>{name} a écrit&#xa0;:</translation>
    </message>
    <message>
        <source>Subject:</source>
        <translation>Sujet&#xa0;:</translation>
    </message>
    <message>
        <source>Date:</source>
        <translation>Date&#xa0;:</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>De&#xa0;:</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>Pour&#xa0;:</translation>
    </message>
    <message>
        <source>Cc:</source>
        <translation>Cc&#xa0;:</translation>
    </message>
    <message>
        <source>Forwarded message</source>
        <translation>Message transféré</translation>
    </message>
    <message>
        <source>-------- Forwarded Message --------</source>
        <translation>-------- Message transféré --------</translation>
    </message>
</context>
<context>
    <name>SearchField</name>
    <message>
        <source>Search messages</source>
        <translation>Rechercher dans les messages</translation>
    </message>
    <message>
        <source>Search this folder</source>
        <translation>Rechercher dans ce dossier</translation>
    </message>
    <message>
        <source>Words to find in sender, recipients, subject and downloaded text.
from:  to:  subject:  has:attachment  is:unread  is:starred  after:2024-01  before:2025</source>
        <translation>Mots à chercher dans l&apos;expéditeur, les destinataires, le sujet et le texte téléchargé.
from:  to:  subject:  has:attachment  is:unread  is:starred  after:2024-01  before:2025</translation>
    </message>
</context>
<context>
    <name>SendFailures</name>
    <message>
        <source>Open the Outbox to retry or edit it.</source>
        <translation>Ouvrez la boîte d’envoi pour réessayer ou le modifier.</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(sans sujet)</translation>
    </message>
    <message>
        <source>“%1” may have been sent</source>
        <translation>«&#xa0;%1&#xa0;» a peut-être été envoyé</translation>
    </message>
    <message>
        <source>Send Again</source>
        <translation>Renvoyer</translation>
    </message>
    <message>
        <source>It Was Sent</source>
        <translation>Il a été envoyé</translation>
    </message>
    <message>
        <source>“%1” could not be sent</source>
        <translation>«&#xa0;%1&#xa0;» n’a pas pu être envoyé</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Modifier</translation>
    </message>
</context>
<context>
    <name>SendWorker</name>
    <message>
        <source>The account this message was written from no longer exists or cannot be used.</source>
        <translation>Le compte depuis lequel ce message a été écrit n&apos;existe plus ou ne peut pas être utilisé.</translation>
    </message>
</context>
<context>
    <name>ServerForm</name>
    <message>
        <source>SSL/TLS</source>
        <translation>SSL/TLS</translation>
    </message>
    <message>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <source>None (unencrypted)</source>
        <translation>Aucune (non chiffrée)</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Serveur&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port&#xa0;:</translation>
    </message>
    <message>
        <source>S&amp;ecurity:</source>
        <translation>Séc&amp;urité&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>&amp;Nom d&apos;utilisateur&#xa0;:</translation>
    </message>
    <message>
        <source>server name</source>
        <translation>nom du serveur</translation>
    </message>
    <message>
        <source>port</source>
        <translation>port</translation>
    </message>
    <message>
        <source>connection security</source>
        <translation>sécurité de la connexion</translation>
    </message>
    <message>
        <source>user name</source>
        <translation>nom d&apos;utilisateur</translation>
    </message>
</context>
<context>
    <name>ServerSearchBar</name>
    <message>
        <source>Search on the Server</source>
        <translation>Chercher sur le serveur</translation>
    </message>
    <message>
        <source>Only mail on this computer was searched.</source>
        <translation>Seul le courrier présent sur cet ordinateur a été cherché.</translation>
    </message>
    <message>
        <source>Searching on the server…</source>
        <translation>Recherche sur le serveur…</translation>
    </message>
    <message numerus="yes">
        <source>The server found %n more message(s).</source>
        <translation>
            <numerusform>Le serveur a trouvé %n message de plus.</numerusform>
            <numerusform>Le serveur a trouvé %n messages de plus.</numerusform>
        </translation>
    </message>
    <message>
        <source>The server found nothing more.</source>
        <translation>Le serveur n&apos;a rien trouvé de plus.</translation>
    </message>
    <message>
        <source>The server found nothing either.</source>
        <translation>Le serveur n&apos;a rien trouvé non plus.</translation>
    </message>
    <message>
        <source>The server search failed: %1</source>
        <translation>La recherche sur le serveur a échoué : %1</translation>
    </message>
    <message>
        <source>Try Again</source>
        <translation>Réessayer</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings found</source>
        <translation>Paramètres trouvés</translation>
    </message>
    <message>
        <source>&amp;Change these settings…</source>
        <translation>Modifier &amp;ces paramètres…</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Your password is sent only to these servers, over an encrypted connection, when you press Next. Facteur keeps it in your system&apos;s keyring.</source>
        <translation>Votre mot de passe n&apos;est envoyé qu&apos;à ces serveurs, par une connexion chiffrée, quand vous appuyez sur Suivant. Facteur le garde dans le trousseau du système.</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Mot de passe&#xa0;:</translation>
    </message>
    <message>
        <source>{provider} publishes these settings ({url}). Check them before you enter your password.</source>
        <translation>{provider} publie ces paramètres ({url}). Vérifiez-les avant de saisir votre mot de passe.</translation>
    </message>
    <message>
        <source>These are {provider}&apos;s settings, from Facteur&apos;s list of providers.</source>
        <translation>Voici les paramètres de {provider}, tirés de la liste des fournisseurs de Facteur.</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Writing a message</source>
        <translation>Rédaction d’un message</translation>
    </message>
    <message>
        <source>Formatting text</source>
        <translation>Mise en forme du texte</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <source>Search by action or key</source>
        <translation>Chercher une action ou une touche</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Raccourci</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Où</translation>
    </message>
</context>
<context>
    <name>SignInAgainDialog</name>
    <message>
        <source>Sign in again — {account}</source>
        <translation>Se reconnecter — {account}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Google no longer accepts Facteur&apos;s access to {email}.&lt;/b&gt;&lt;br&gt;The sign-in expired or was revoked. Sign in again to keep receiving and sending mail.</source>
        <translation>&lt;b&gt;Google n&apos;accepte plus l&apos;accès de Facteur à {email}.&lt;/b&gt;&lt;br&gt;La connexion a expiré ou a été révoquée. Reconnectez-vous pour continuer à recevoir et envoyer des messages.</translation>
    </message>
    <message>
        <source>&amp;Later</source>
        <translation>&amp;Plus tard</translation>
    </message>
    <message>
        <source>Checking access to {email}…</source>
        <translation>Vérification de l&apos;accès à {email}…</translation>
    </message>
    <message>
        <source>That sign-in does not open {email}: {detail}</source>
        <translation>Cette connexion n&apos;ouvre pas {email}&#xa0;: {detail}</translation>
    </message>
</context>
<context>
    <name>Spelling</name>
    <message>
        <source>Spell checking is unavailable: the enchant library is not installed.</source>
        <translation>Correction orthographique indisponible&#xa0;: la bibliothèque enchant n&apos;est pas installée.</translation>
    </message>
    <message>
        <source>Spell checking is unavailable: no English or French dictionary is installed.</source>
        <translation>Correction orthographique indisponible&#xa0;: aucun dictionnaire anglais ou français n&apos;est installé.</translation>
    </message>
    <message>
        <source>No Spell Checking</source>
        <translation>Pas de correction orthographique</translation>
    </message>
    <message>
        <source>Do Not Check</source>
        <translation>Ne pas vérifier</translation>
    </message>
    <message>
        <source>Spell checking language of this message</source>
        <translation>Langue de la correction orthographique de ce message</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Désactivée</translation>
    </message>
    <message>
        <source>Spelling: %1</source>
        <translation>Orthographe&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message numerus="yes">
        <source>…and %n more.</source>
        <translation>
            <numerusform>…et %n autre.</numerusform>
            <numerusform>…et %n autres.</numerusform>
        </translation>
    </message>
    <message>
        <source>Facteur cannot start</source>
        <translation>Facteur ne peut pas démarrer</translation>
    </message>
    <message>
        <source>Facteur cannot write where it keeps your mail, your Outbox and its settings:</source>
        <translation>Facteur ne peut pas écrire là où il garde votre courrier, votre boîte d’envoi et ses réglages :</translation>
    </message>
    <message>
        <source>This usually happens after Facteur was started once as another user (with sudo, for example): what it wrote then belongs to that user. Give these files back to your account, for example with the command below, then start Facteur again. Nothing was changed.</source>
        <translation>Cela arrive en général après un démarrage de Facteur sous un autre utilisateur (avec sudo, par exemple) : ce qu’il a écrit alors appartient à cet utilisateur. Rendez ces fichiers à votre compte, par exemple avec la commande ci-dessous, puis relancez Facteur. Rien n’a été modifié.</translation>
    </message>
    <message>
        <source>it cannot be created: {parent} is a file, not a folder</source>
        <translation>impossible de le créer : {parent} est un fichier, pas un dossier</translation>
    </message>
    <message>
        <source>it cannot be created: {reason} ({parent})</source>
        <translation>impossible de le créer : {reason} ({parent})</translation>
    </message>
    <message>
        <source>the folder is missing</source>
        <translation>le dossier n’existe pas</translation>
    </message>
    <message>
        <source>the file is missing</source>
        <translation>le fichier n’existe pas</translation>
    </message>
    <message>
        <source>the folder belongs to {owner}, not to you</source>
        <translation>le dossier appartient à {owner}, pas à vous</translation>
    </message>
    <message>
        <source>the file belongs to {owner}, not to you</source>
        <translation>le fichier appartient à {owner}, pas à vous</translation>
    </message>
    <message>
        <source>the folder is read-only</source>
        <translation>le dossier est en lecture seule</translation>
    </message>
    <message>
        <source>the file is read-only</source>
        <translation>le fichier est en lecture seule</translation>
    </message>
    <message>
        <source>it is a file, where Facteur keeps a folder</source>
        <translation>c’est un fichier, là où Facteur garde un dossier</translation>
    </message>
</context>
<context>
    <name>UndoNotice</name>
    <message>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Undo %1 (%2)</source>
        <translation>Annuler : %1 (%2)</translation>
    </message>
</context>
<context>
    <name>UndoSendNotice</name>
    <message>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Send now</source>
        <translation>Envoyer maintenant</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(sans sujet)</translation>
    </message>
    <message>
        <source>Sending “{subject}” in {seconds} s</source>
        <translation>Envoi de «&#xa0;{subject}&#xa0;» dans {seconds} s</translation>
    </message>
    <message>
        <source>Sending “{subject}”…</source>
        <translation>Envoi de «&#xa0;{subject}&#xa0;»…</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Something went wrong</source>
        <translation>Une erreur s&apos;est produite</translation>
    </message>
    <message>
        <source>Sign in again</source>
        <translation>Reconnectez-vous</translation>
    </message>
    <message>
        <source>No keyring</source>
        <translation>Aucun trousseau</translation>
    </message>
    <message>
        <source>Facteur cannot reach the system keyring, where the password is kept. Mail waits meanwhile; nothing is lost.</source>
        <translation>Facteur ne peut pas joindre le trousseau du système, où le mot de passe est conservé. Le courrier attend entre-temps ; rien n&apos;est perdu.</translation>
    </message>
    <message>
        <source>Keyring locked</source>
        <translation>Trousseau verrouillé</translation>
    </message>
    <message>
        <source>Facteur cannot read the password from the keyring until it is unlocked. Mail waits meanwhile; nothing is lost.</source>
        <translation>Facteur ne peut pas lire le mot de passe dans le trousseau tant qu&apos;il est verrouillé. Le courrier attend entre-temps ; rien n&apos;est perdu.</translation>
    </message>
    <message>
        <source>Wrong user name or password</source>
        <translation>Nom d&apos;utilisateur ou mot de passe incorrect</translation>
    </message>
    <message>
        <source>Untrusted certificate</source>
        <translation>Certificat non approuvé</translation>
    </message>
    <message>
        <source>Connection not secure</source>
        <translation>Connexion non sécurisée</translation>
    </message>
    <message>
        <source>The server is not answering</source>
        <translation>Le serveur ne répond pas</translation>
    </message>
    <message>
        <source>Cannot reach the server</source>
        <translation>Impossible de joindre le serveur</translation>
    </message>
    <message>
        <source>Account settings are incomplete</source>
        <translation>Les paramètres du compte sont incomplets</translation>
    </message>
    <message>
        <source>The server refused the operation</source>
        <translation>Le serveur a refusé l&apos;opération</translation>
    </message>
    <message>
        <source>This account was removed from GNOME Online Accounts</source>
        <translation>Ce compte a été supprimé des comptes en ligne de GNOME</translation>
    </message>
    <message>
        <source>Facteur signed in to it through GNOME Online Accounts, where it is no longer. Add it again in Settings › Online Accounts, or remove it from Facteur in Manage Accounts; the mail already here stays readable.</source>
        <translation>Facteur s’y connectait via les comptes en ligne de GNOME, où il ne figure plus. Ajoutez-le de nouveau dans Paramètres › Comptes en ligne, ou retirez-le de Facteur dans Gérer les comptes ; le courrier déjà ici reste lisible.</translation>
    </message>
    <message>
        <source>Mail is turned off for this account in GNOME Online Accounts</source>
        <translation>Le courrier est désactivé pour ce compte dans les comptes en ligne de GNOME</translation>
    </message>
    <message>
        <source>Turn Mail on for it in Settings › Online Accounts to keep receiving and sending mail.</source>
        <translation>Activez-y le courrier dans Paramètres › Comptes en ligne pour continuer à recevoir et envoyer du courrier.</translation>
    </message>
    <message>
        <source>GNOME Online Accounts needs you to sign in again</source>
        <translation>Les comptes en ligne de GNOME vous demandent de vous reconnecter</translation>
    </message>
    <message>
        <source>Open Settings › Online Accounts and sign in to this account again; Facteur picks it up by itself.</source>
        <translation>Ouvrez Paramètres › Comptes en ligne et reconnectez-vous à ce compte ; Facteur le reprend de lui-même.</translation>
    </message>
    <message>
        <source>GNOME Online Accounts is not running</source>
        <translation>Les comptes en ligne de GNOME ne fonctionnent pas</translation>
    </message>
    <message>
        <source>Facteur gets this account&apos;s sign-in from GNOME Online Accounts, which is not answering. Mail waits meanwhile; nothing is lost.</source>
        <translation>Facteur obtient la connexion de ce compte auprès des comptes en ligne de GNOME, qui ne répondent pas. Le courrier attend entre-temps ; rien n&apos;est perdu.</translation>
    </message>
    <message>
        <source>%1 is offline</source>
        <translation>%1 est hors ligne</translation>
    </message>
    <message>
        <source>The mail server is not answering. Facteur will try again by itself; what you do meanwhile is kept and sent later.</source>
        <translation>Le serveur de messagerie ne répond pas. Facteur réessaiera de lui-même ; ce que vous faites entre-temps est conservé et envoyé plus tard.</translation>
    </message>
    <message>
        <source>Facteur cannot reach the mail server. Check your Internet connection; Facteur will try again by itself, and what you do meanwhile is kept and sent later.</source>
        <translation>Facteur ne parvient pas à joindre le serveur de messagerie. Vérifiez votre connexion à Internet ; Facteur réessaiera de lui-même, et ce que vous faites entre-temps est conservé et envoyé plus tard.</translation>
    </message>
    <message>
        <source>%1: the server refused the password</source>
        <translation>%1 : le serveur a refusé le mot de passe</translation>
    </message>
    <message>
        <source>Check the password in Manage Accounts.</source>
        <translation>Vérifiez le mot de passe dans Gérer les comptes.</translation>
    </message>
    <message>
        <source>%1: sign in again</source>
        <translation>%1 : reconnectez-vous</translation>
    </message>
    <message>
        <source>Your sign-in has expired or was withdrawn. Sign in again in Manage Accounts to keep receiving mail.</source>
        <translation>Votre connexion a expiré ou a été révoquée. Reconnectez-vous dans Gérer les comptes pour continuer à recevoir du courrier.</translation>
    </message>
    <message>
        <source>%1: the server&apos;s identity could not be verified</source>
        <translation>%1 : l&apos;identité du serveur n&apos;a pas pu être vérifiée</translation>
    </message>
    <message>
        <source>%1: the connection is not secure</source>
        <translation>%1 : la connexion n&apos;est pas sécurisée</translation>
    </message>
    <message>
        <source>The server does not offer encryption, so Facteur will not send your password to it. Check the security settings in Manage Accounts.</source>
        <translation>Le serveur ne propose pas de chiffrement : Facteur ne lui enverra donc pas votre mot de passe. Vérifiez les réglages de sécurité dans Gérer les comptes.</translation>
    </message>
    <message>
        <source>Facteur could not connect to this account.</source>
        <translation>Facteur n&apos;a pas pu se connecter à ce compte.</translation>
    </message>
    <message>
        <source>Cannot open the local copy of %1</source>
        <translation>Impossible d&apos;ouvrir la copie locale de %1</translation>
    </message>
    <message>
        <source>The disk is full. Free some space, then choose Try Again; the mail on the server is safe.</source>
        <translation>Le disque est plein. Libérez de la place, puis choisissez Réessayer&#xa0;; le courrier sur le serveur ne risque rien.</translation>
    </message>
    <message>
        <source>Another program is using the file that holds this account&apos;s mail. Close it (or wait for it to finish), then choose Try Again.</source>
        <translation>Un autre programme utilise le fichier qui contient le courrier de ce compte. Fermez-le (ou attendez qu&apos;il ait fini), puis choisissez Réessayer.</translation>
    </message>
    <message>
        <source>Facteur may not read or write the file that holds this account&apos;s mail. Check its permissions, then choose Try Again.</source>
        <translation>Facteur n&apos;a pas le droit de lire ou d&apos;écrire le fichier qui contient le courrier de ce compte. Vérifiez ses permissions, puis choisissez Réessayer.</translation>
    </message>
    <message>
        <source>It was written by a newer version of Facteur. Update Facteur to read it.</source>
        <translation>Il a été écrit par une version plus récente de Facteur. Mettez Facteur à jour pour le lire.</translation>
    </message>
    <message>
        <source>The file that holds this account&apos;s mail cannot be read. Choose Try Again; if it fails again, the detail below says why.</source>
        <translation>Le fichier qui contient le courrier de ce compte ne peut pas être lu. Choisissez Réessayer&#xa0;; si cela échoue encore, le détail ci-dessous dit pourquoi.</translation>
    </message>
    <message>
        <source>Sign-in failed</source>
        <translation>Échec de la connexion</translation>
    </message>
    <message>
        <source>the server</source>
        <translation>le serveur</translation>
    </message>
    <message>
        <source>The identity of {where} could not be verified ({reason}). Someone may be intercepting the connection, or the server uses a certificate your system does not know.</source>
        <translation>L&apos;identité de {where} n&apos;a pas pu être vérifiée ({reason}). Quelqu&apos;un intercepte peut-être la connexion, ou le serveur utilise un certificat que votre système ne connaît pas.</translation>
    </message>
    <message>
        <source>untrusted certificate</source>
        <translation>certificat non approuvé</translation>
    </message>
</context>
<context>
    <name>formatting</name>
    <message>
        <source>%1 B</source>
        <translation>%1 o</translation>
    </message>
</context>
<context>
    <name>keyring</name>
    <message>
        <source>Keep the password in plain text?</source>
        <translation>Garder le mot de passe en clair&#xa0;?</translation>
    </message>
    <message>
        <source>Keep it in plain text</source>
        <translation>Le garder en clair</translation>
    </message>
    <message>
        <source>No keyring</source>
        <translation>Aucun trousseau</translation>
    </message>
    <message>
        <source>Facteur keeps passwords in your system&apos;s keyring, and none is available. Install and start one (GNOME Keyring or KWallet), then add the account again.</source>
        <translation>Facteur garde les mots de passe dans le trousseau du système, et aucun n&apos;est disponible. Installez-en un et démarrez-le (GNOME Keyring ou KWallet), puis ajoutez de nouveau le compte.</translation>
    </message>
    <message>
        <source>No secure keyring was found: the only place available keeps passwords in a plain file ({backend}) that any program running as you can read.

Keep your password there anyway? Otherwise, install GNOME Keyring or KWallet and add the account again.</source>
        <translation>Aucun trousseau sécurisé n&apos;a été trouvé&#xa0;: le seul endroit disponible garde les mots de passe dans un simple fichier ({backend}) que tout programme lancé sous votre nom peut lire.

Y garder votre mot de passe malgré tout&#xa0;? Sinon, installez GNOME Keyring ou KWallet et ajoutez de nouveau le compte.</translation>
    </message>
    <message>
        <source>The keyring refused the password</source>
        <translation>Le trousseau a refusé le mot de passe</translation>
    </message>
    <message>
        <source>Facteur could not store the password in your keyring: {detail}. Unlock the keyring and press Finish again.</source>
        <translation>Facteur n&apos;a pas pu enregistrer le mot de passe dans votre trousseau&#xa0;: {detail}. Déverrouillez le trousseau et appuyez de nouveau sur Terminer.</translation>
    </message>
</context>
<context>
    <name>oauth_flow</name>
    <message>
        <source>Sign-in failed</source>
        <translation>Échec de la connexion</translation>
    </message>
    <message>
        <source>This sign-in is over</source>
        <translation>Cette connexion est terminée</translation>
    </message>
    <message>
        <source>You can close this tab and go back to Facteur.</source>
        <translation>Vous pouvez fermer cet onglet et revenir à Facteur.</translation>
    </message>
    <message>
        <source>Bad request</source>
        <translation>Requête incorrecte</translation>
    </message>
    <message>
        <source>This address only answers Google&apos;s sign-in.</source>
        <translation type="vanished">Cette adresse ne sert qu&apos;à la connexion Google.</translation>
    </message>
    <message>
        <source>This address only answers Facteur&apos;s sign-in.</source>
        <translation>Cette adresse ne répond qu&apos;à la connexion de Facteur.</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Introuvable</translation>
    </message>
    <message>
        <source>You are signed in</source>
        <translation>Connexion réussie</translation>
    </message>
    <message>
        <source>Facteur can now read and send your mail. You can close this tab and go back to Facteur.</source>
        <translation>Facteur peut maintenant lire et envoyer vos messages. Vous pouvez fermer cet onglet et revenir à Facteur.</translation>
    </message>
    <message>
        <source>Go back to Facteur to try again.</source>
        <translation>Revenez à Facteur pour réessayer.</translation>
    </message>
</context>
<context>
    <name>providers</name>
    <message>
        <source>This provider refuses your usual password in mail apps: create an app password and enter it here.</source>
        <translation>Ce fournisseur refuse votre mot de passe habituel dans les applications de messagerie&#xa0;: créez un mot de passe d&apos;application et saisissez-le ici.</translation>
    </message>
    <message>
        <source>Without Google sign-in, Gmail needs an app password (it requires 2-Step Verification on your Google account).</source>
        <translation>Sans la connexion Google, Gmail demande un mot de passe d&apos;application (il faut activer la validation en deux étapes sur votre compte Google).</translation>
    </message>
    <message>
        <source>Microsoft is turning off password sign-in for Outlook.com mail apps: if your password is refused, create an app password.</source>
        <translation type="vanished">Microsoft supprime la connexion par mot de passe pour les applications de messagerie Outlook.com&#xa0;: si votre mot de passe est refusé, créez un mot de passe d&apos;application.</translation>
    </message>
    <message>
        <source>Turn on &quot;POP3/IMAP access&quot; in GMX&apos;s web mail settings first.</source>
        <translation>Activez d&apos;abord «&#xa0;Accès POP3/IMAP&#xa0;» dans les paramètres du webmail de GMX.</translation>
    </message>
</context>
<context>
    <name>wizard</name>
    <message>
        <source>Where to do it</source>
        <translation>Où le faire</translation>
    </message>
    <message>
        <source>Incoming mail server (IMAP)</source>
        <translation>Serveur de courrier entrant (IMAP)</translation>
    </message>
    <message>
        <source>Outgoing mail server (SMTP)</source>
        <translation>Serveur de courrier sortant (SMTP)</translation>
    </message>
    <message>
        <source>{host} · port {port} · {security}</source>
        <translation>{host} · port {port} · {security}</translation>
    </message>
    <message>
        <source>User name: {user}</source>
        <translation>Nom d&apos;utilisateur&#xa0;: {user}</translation>
    </message>
    <message>
        <source>SSL/TLS</source>
        <translation>SSL/TLS</translation>
    </message>
    <message>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <source>none — unencrypted</source>
        <translation>aucune — non chiffrée</translation>
    </message>
</context>
</TS>
