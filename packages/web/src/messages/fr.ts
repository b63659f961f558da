/**
 * Les textes français des pages (the French strings), key for key as in `en.ts`.
 *
 * @module
 */

import type { Messages } from "./catalogue.js";

/** French. */
export const fr: Messages = {
  skipToContent: "Aller au contenu",
  signOut: "Se déconnecter",
  errorTitle: "Erreur : {title}",
  errorSummaryTitle: "Il y a un problème",
  never: "jamais",
  copy: "Copier",
  copied: "Copié",
  mfaSection: "Vérification de sécurité supplémentaire",
  resetSection: "Réinitialisation du mot de passe",
  challengeSection: "Confirmez votre identité",
  helpDesk: "Support",
  methodAuthenticationPhone: "Téléphone d'authentification",
  methodOfficePhone: "Téléphone de bureau",
  methodAlternatePhone: "Autre téléphone d'authentification",
  methodAuthenticatorApp: "Application d'authentification",
  methodPasskey: "Clé d'accès",
  recoveryEmail: "E-mail d'authentification",
  recoveryPhone: "Téléphone d'authentification",
  forPasswordReset: "{method} (réinitialisation du mot de passe)",
  back: "Retour",
  cancel: "Annuler",
  stopHereKeepMethod: "S'arrêter ici (garder la nouvelle méthode)",
  continue: "Continuer",
  next: "Suivant",
  verify: "Vérifier",
  done: "Terminé",
  finish: "Terminer",
  signIn: "Se connecter",
  setItUpNow: "Configurer maintenant",
  skipForNow: "Ignorer pour l'instant (encore {left})",
  contactMe: "Me contacter",
  sendNewCode: "Envoyer un nouveau code",
  callMeInstead: "M'appeler plutôt",
  useDifferentMethod: "Utiliser une autre méthode",
  startAgain: "Recommencer",
  textMe: "M'envoyer un SMS",
  callMe: "M'appeler",
  emailMe: "M'envoyer un e-mail",
  change: "Modifier",
  remove: "Supprimer",
  revoke: "Révoquer",
  forget: "Oublier",
  forgetAll: "Oublier tous les appareils",
  introTitle: "Informations supplémentaires requises",
  introLead: "{tenant} a besoin d'informations supplémentaires pour protéger votre compte.",
  methodTitle: "Étape 1 : comment devons-nous vous contacter ?",
  methodLead:
    "Protégez votre compte en ajoutant à votre mot de passe une vérification par téléphone ou une application d'authentification.",
  methodQuestion: "Comment devons-nous vérifier que c'est bien vous ?",
  forAPhone: "Pour un téléphone",
  countryLabel: "Pays ou région",
  countryHint: "Choisissez le pays du numéro, ou saisissez le numéro avec son indicatif +.",
  countryChoose: "Choisissez un pays ou une région",
  countryRequired:
    "Choisissez le pays ou la région du numéro, ou saisissez-le avec son indicatif (par exemple +33 6 12 34 56 78).",
  phoneNumber: "Numéro de téléphone",
  phoneNumberHint: "Par exemple 06 12 34 56 78, ou +33 6 12 34 56 78",
  phoneNumberInternationalHint: "Avec l'indicatif du pays, par exemple +33 6 12 34 56 78",
  extensionLabel: "Poste (téléphone de bureau uniquement)",
  deliveryQuestion: "Comment devons-nous envoyer le code ?",
  deliverySms: "M'envoyer un code par SMS",
  deliveryVoice: "M'appeler",
  forAPasskey: "Pour une clé d'accès",
  passkeyNameLabel: "Nom (facultatif)",
  passkeyNameHint: "Par exemple Ordinateur du bureau",
  verifyCodeTitle: "Étape 2 : saisissez votre code",
  verifyEmailTitle: "Vérifiez votre e-mail d'authentification",
  verifyPhoneTitle: "Vérifiez votre téléphone d'authentification",
  codeSentSms:
    "Nous avons envoyé un SMS à votre téléphone au {destination}. Il devrait arriver d'ici 60 secondes.",
  codeSentVoice:
    "Nous appelons votre téléphone au {destination}. Répondez pour entendre votre code.",
  codeSentEmail: "Nous avons envoyé un e-mail à {destination}.",
  codeLabel: "Code de vérification",
  codeHint: "{length} chiffres",
  enterTheCode: "Saisissez le code",
  codeFromApp: "Code de l'application",
  codeFactsOne: "Le code est valable {duration}. 1 essai restant.",
  codeFactsOther: "Le code est valable {duration}. {attempts} essais restants.",
  codeDead: "Ce code ne peut plus être utilisé : demandez-en un nouveau.",
  resendIn: "Vous pourrez demander un nouveau code dans {seconds} secondes.",
  resendReady: "Rien reçu ? Vous pouvez demander un nouveau code.",
  // Delivery receipts (the code page and the challenge)
  deliveryPending:
    "Envoyé. En attente de la confirmation de réception par le réseau de votre téléphone.",
  deliveryDelivered: "Remis à votre téléphone.",
  deliveryNotDelivered:
    "Non remis : le réseau de votre téléphone n'a pas pu le remettre. Demandez un appel à la place, ou utilisez une autre méthode.",
  deliveryCallNotDelivered:
    "Non remis : l'appel n'a pas abouti. Demandez un nouveau code, ou utilisez une autre méthode.",
  deliveryFailedOver:
    "Le premier message n'est pas arrivé à temps : nous avons envoyé un nouveau code par un autre moyen.",
  resendNoScript: "Rechargez cette page une fois le délai écoulé pour envoyer un nouveau code.",
  newCodeSent:
    "Nous avons envoyé un nouveau code. Utilisez le plus récent : le précédent ne fonctionne plus.",
  authenticatorTitle: "Configurer votre application d'authentification",
  authenticatorKeyGone:
    "Pour votre sécurité, la clé n'est affichée qu'une fois, et cette page a été rechargée. Recommencez pour obtenir une nouvelle clé ; celle que vous avez peut-être ajoutée n'est pas active.",
  showNewKey: "Afficher une nouvelle clé",
  authenticatorStep1:
    "Ouvrez votre application d'authentification (Microsoft Authenticator, Google Authenticator, 1Password…) et ajoutez un compte.",
  authenticatorStep2: "Scannez ce code QR.",
  qrCaption: "Code QR pour {user} chez {tenant}",
  cantScan: "Impossible de scanner ? Saisissez cette clé :",
  authenticatorStep3: "Saisissez le code à {length} chiffres affiché par l'application.",
  keyShownOnce:
    "Cette clé n'est affichée qu'une fois. Gardez cette page ouverte jusqu'à ce que l'application soit configurée.",
  passkeyCreateTitle: "Créer une clé d'accès",
  passkeyCreateLead:
    "Une clé d'accès vous connecte avec votre empreinte, votre visage, un code PIN ou une clé de sécurité, et ne fonctionne que sur le site de {tenant} : elle ne peut donc pas être hameçonnée.",
  passkeyCreate: "Créer une clé d'accès",
  passkeyExpired: "Cette demande a expiré. Recommencez pour créer votre clé d'accès.",
  passkeyPrompt: "Suivez les instructions de votre navigateur pour utiliser votre clé d'accès…",
  passkeyFailed:
    "Aucune clé d'accès n'a été utilisée (annulé, délai dépassé ou indisponible ici). Réessayez, ou choisissez une autre méthode.",
  passkeyUseTitle: "Utiliser votre clé d'accès",
  passkeyUseLead:
    "Votre appareil vous demandera de confirmer votre identité avec votre empreinte, votre visage, un code PIN ou une clé de sécurité.",
  passkeyUseButton: "Utiliser ma clé d'accès",
  appPasswordTitle: "Votre mot de passe d'application",
  appPasswordLead:
    "Vous avez confirmé votre identité. Certaines applications de messagerie (par exemple Apple Mail sur d'anciens appareils) ne peuvent pas demander de code de vérification : utilisez-y ce mot de passe d'application au lieu de votre mot de passe.",
  appPasswordCopyNow:
    "Copiez-le maintenant : il ne sera plus affiché. Vous pouvez le révoquer, ou en créer d'autres, dans Informations de sécurité.",
  appPasswordCopyNowShort: "Copiez-le maintenant : il ne sera plus affiché.",
  appPasswordShownOnce:
    "Votre mot de passe d'application « {name} » a été affiché une fois, à sa création. Si vous ne l'avez pas vu ou copié, obtenez-en un nouveau : l'ancien cessera de fonctionner.",
  newAppPassword: "Obtenir un nouveau mot de passe d'application",
  recoveryCodesTitle: "Enregistrez vos codes de récupération",
  recoveryCodesLead:
    "Si vous perdez votre téléphone ou votre application d'authentification, connectez-vous avec l'un de ces codes de récupération. Chacun fonctionne une fois.",
  recoveryCodesYours: "Vos codes de récupération",
  recoveryCodesSaveNow:
    "Imprimez-les ou notez-les maintenant et gardez-les en lieu sûr : ils ne seront plus affichés. Vous pouvez en créer de nouveaux dans Informations de sécurité.",
  recoveryCodesShownOnce:
    "Vos codes de récupération ont été affichés une fois, à leur création. Si vous ne les avez pas enregistrés, obtenez-en de nouveaux : les anciens cesseront de fonctionner.",
  savedThem: "Je les ai enregistrés",
  newRecoveryCodes: "Obtenir de nouveaux codes de récupération",
  getRecoveryCodes: "Obtenir des codes de récupération",
  recoveryCodesHeading: "Codes de récupération",
  recoveryCodesNew: "Vos nouveaux codes de récupération",
  recoveryCodesNewNote:
    "Enregistrez-les maintenant : ils ne seront plus affichés. Vos anciens codes ne fonctionnent plus.",
  recoveryCodesLeft: "{remaining} sur {total} restants, créés le {made}.",
  recoveryCodesLow: "Il vous en reste peu : obtenez-en de nouveaux.",
  recoveryCodesNone: "Vous n'avez aucun code de récupération.",
  recoveryCodesFew:
    "Il vous reste {remaining} codes de récupération. Obtenez-en de nouveaux dans Informations de sécurité.",
  recoveryCodeUseTitle: "Utiliser un code de récupération",
  recoveryCodeUseLead:
    "Saisissez l'un des codes de récupération enregistrés lors de la configuration de vos méthodes de connexion. Chaque code fonctionne une fois.",
  recoveryCodeLabel: "Code de récupération",
  recoveryCodeHint: "10 lettres et chiffres, comme 7k3m9-q2xwd",
  changePasswordTitle: "Modifier votre mot de passe",
  changePasswordLead:
    "Vous vous êtes connecté avec un mot de passe temporaire. Choisissez-en un nouveau pour continuer.",
  currentPassword: "Mot de passe actuel",
  newPassword: "Nouveau mot de passe",
  newPasswordHint: "Au moins 12 caractères. Une courte phrase convient bien.",
  confirmPassword: "Confirmer le nouveau mot de passe",
  changePasswordButton: "Modifier le mot de passe et continuer",
  recoveryIntroTitle: "Ne perdez pas l'accès à votre compte !",
  recoveryIntroLead:
    "Pour que vous puissiez réinitialiser votre mot de passe, nous avons besoin d'informations supplémentaires. Nous ne les utilisons que pour la sécurité du compte ; personne d'autre ne les voit.",
  recoveryIntroCount: "Vous devez configurer {count} des méthodes suivantes.",
  recoveryMethodTitle: "Configurer la réinitialisation du mot de passe",
  statusVerified: "Vérifié",
  statusNotSetUp: "Non configuré",
  emailLabel: "Adresse e-mail",
  emailHint:
    "Une adresse que vous pouvez consulter sans votre compte {tenant}, comme une adresse personnelle.",
  recoveryPhoneLead:
    "Vérifiez votre téléphone d'authentification {destination} pour la réinitialisation du mot de passe.",
  finishTitle: "Vous avez presque terminé",
  finishLead:
    "Vous avez configuré ces moyens de confirmer votre identité et de réinitialiser votre mot de passe.",
  doneTitle: "Tout est prêt",
  doneLead:
    "À votre prochaine connexion, nous vous demanderons l'un de ces moyens après votre mot de passe.",
  goToSecurityInfo: "Aller aux informations de sécurité",
  tagNew: "nouveau",
  cancelledTitle: "Configurer plus tard",
  cancelledLead: "Rien n'a été modifié. Nous vous le redemanderons à votre prochaine connexion.",
  challengeChooseTitle: "Comment voulez-vous confirmer que c'est bien vous ?",
  challengeCodeTitle: "Saisissez votre code",
  challengeAppTitle: "Saisissez le code de votre application d'authentification",
  challengeNoneTitle: "Aucune méthode de connexion disponible",
  challengeNoneLead:
    "Vos méthodes de connexion ont été désactivées après trop de codes erronés. Demandez à votre administrateur de les réactiver.",
  challengeSentSms: "Nous avons envoyé un code par SMS au {destination}.",
  challengeSentVoice: "Nous appelons le {destination} pour vous lire un code.",
  challengeEnded: "Cette vérification est terminée. Recommencez.",
  textMethod: "SMS au {method} {display}",
  callMethod: "Appeler le {method} {display}",
  useApp: "Utiliser un code de mon application d'authentification",
  usePasskey: "Utiliser une clé d'accès",
  useRecoveryCode: "Utiliser un code de récupération",
  havePass: "J'ai un passe d'accès temporaire",
  rememberDevice: "Ne plus demander sur cet appareil pendant {days} jours",
  passSignInTitle: "Se connecter avec un passe d'accès temporaire",
  passSignInLead:
    "Vous avez perdu votre téléphone ou votre application d'authentification ? Saisissez le passe fourni par le support, puis configurez une nouvelle méthode de connexion.",
  passLabel: "Passe d'accès temporaire",
  passHint: "16 lettres et chiffres, par exemple abcd-efgh-jkmn-pqrs",
  passExpired: "Ce passe a expiré. Demandez-en un nouveau au support.",
  passReplayed: "Ce passe a déjà été utilisé. Demandez-en un nouveau au support.",
  passNotYetValid: "Ce passe ne peut pas encore être utilisé. Réessayez plus tard.",
  passLocked: "Trop de passes erronés. Réessayez dans {duration}.",
  passWrong: "Ce passe est incorrect. Vérifiez-le et réessayez.",
  passIssueTitle: "Délivrer un passe d'accès temporaire",
  passIssueLead:
    "Après avoir vérifié l'identité de l'utilisateur, un passe lui permet de se connecter et d'enregistrer de nouvelles méthodes de connexion, et rien d'autre.",
  passUser: "Utilisateur",
  passLifetime: "Durée de validité en minutes",
  passLifetimeHint: "10 à 43200 (30 jours)",
  passOneTime: "Usage unique",
  passIssueButton: "Délivrer le passe",
  passIssuedFor: "Passe d'accès temporaire pour {user}",
  passIssuedOnce:
    "Transmettez-le à l'utilisateur par un canal de confiance. Il n'est affiché que maintenant ; il fonctionne une fois et expire le",
  passIssuedMany:
    "Transmettez-le à l'utilisateur par un canal de confiance. Il n'est affiché que maintenant ; il fonctionne plusieurs fois et expire le",
  securityInfoTitle: "Informations de sécurité",
  securityInfoLead:
    "Voici les méthodes que vous utilisez pour vous connecter et réinitialiser votre mot de passe.",
  signInMethodsHeading: "Méthodes de connexion",
  noneYet: "Aucune pour l'instant.",
  colMethod: "Méthode",
  colDetails: "Détails",
  colAdded: "Ajoutée",
  colActions: "Actions",
  colDevice: "Appareil",
  colRemembered: "Mémorisé",
  colLastUsed: "Dernière utilisation",
  colUntil: "Jusqu'au",
  colName: "Nom",
  colCreated: "Créé",
  addMethodHeading: "Ajouter une méthode",
  methodToAdd: "Méthode à ajouter",
  groupSignIn: "Connexion",
  addMethod: "Ajouter la méthode",
  devicesHeading: "Appareils mémorisés",
  devicesLead: "Ces appareils ne demandent pas de deuxième méthode à la connexion.",
  devicesNone: "Aucun appareil mémorisé.",
  appPasswordsHeading: "Mots de passe d'application",
  appPasswordsNone: "Aucun mot de passe d'application.",
  appPasswordNew: "Nouveau mot de passe d'application",
  appPasswordNameLabel: "Nom du nouveau mot de passe d'application",
  appPasswordNameHint: "Où vous l'utiliserez, p. ex. « Mail sur iPhone »",
  createAppPassword: "Créer un mot de passe d'application",
  saved: "Enregistré. Vos informations de sécurité sont à jour.",
  changeKept:
    "Votre nouvelle méthode est configurée et reste active. Rien d'autre n'a été modifié.",
  removed: "Supprimé. Nous vous en avons informé via vos autres méthodes.",
  alreadyRemoved: "Cette méthode avait déjà été supprimée.",
  appPasswordRevoked:
    "Mot de passe d'application révoqué. Les applications qui l'utilisent cesseront de fonctionner.",
  appPasswordAlreadyRevoked: "Ce mot de passe d'application avait déjà été révoqué.",
  deviceForgotten: "Cet appareil demandera une deuxième méthode à la prochaine connexion.",
  devicesForgotten: "Tous les appareils demanderont une deuxième méthode à la prochaine connexion.",
  deviceAlreadyForgotten: "Cet appareil avait déjà été oublié.",
  signInAgain: "Pour votre sécurité, reconnectez-vous pour continuer.",
  revertTitle: "Ce n'était pas vous ?",
  revertLead:
    "Si vous n'avez pas effectué la modification signalée par ce message, annulez-la ici.",
  revertEffects:
    "L'annulation déconnecte aussi tous les mots de passe d'application et appareils mémorisés, et demande à votre administrateur d'examiner votre compte.",
  revertButton: "Annuler cette modification",
  revertRemoved: "La méthode de connexion ajoutée a été supprimée.",
  revertRestored: "La méthode de connexion supprimée est rétablie.",
  revertNothing:
    "Il n'y avait plus rien à annuler : la méthode n'existe plus, ou ne peut pas être rétablie (ajoutez-la de nouveau depuis Informations de sécurité).",
  revertInvalidTitle: "Ce lien ne fonctionne plus",
  revertInvalid: "Ce lien a expiré ou a déjà été utilisé.",
  revertInvalidHelp:
    "Si quelque chose semble encore anormal, contactez votre administrateur ou le support.",
  revertDoneTitle: "Modification annulée",
  revertRevoked:
    "{appPasswords} mot(s) de passe d'application et {devices} appareil(s) mémorisé(s) ont été déconnectés.",
  revertReview:
    "Votre compte est maintenant en cours d'examen. Reconnectez-vous et vérifiez vos informations de sécurité ; contactez votre administrateur si besoin.",
  codeMismatchOne: "Ce code n'a pas fonctionné. Vérifiez-le et réessayez (1 essai restant).",
  codeMismatchOther:
    "Ce code n'a pas fonctionné. Vérifiez-le et réessayez ({attempts} essais restants).",
  codeMismatchNoneLeft:
    "Ce code n'a pas fonctionné et il ne reste aucun essai. Demandez un nouveau code.",
  codeExpired: "Ce code a expiré. Demandez un nouveau code.",
  codeLocked: "Trop de codes erronés. Demandez un nouveau code.",
  codeReplayed:
    "Ce code a déjà été utilisé. Attendez le code suivant dans votre application d'authentification.",
  factorLocked: "Trop de codes erronés. Attendez {duration} et réessayez.",
  factorDisabled:
    "Cette méthode a été désactivée après trop de codes erronés. Choisissez une autre méthode, ou demandez à votre administrateur de la réactiver.",
  cooldownWait: "Veuillez attendre {duration} avant de demander un autre code.",
  tooManySends: "Trop de codes ont été envoyés. Réessayez dans {duration}.",
  deliveryRetry:
    "Nous n'avons pas pu envoyer le message pour l'instant. Réessayez, ou choisissez un autre moyen.",
  deliveryRejected:
    "Le message n'a pas pu être remis à cette destination. Vérifiez les informations, ou choisissez un autre moyen.",
  outOfDate:
    "Cette page n'était plus à jour (elle a changé dans un autre onglet ou sur un autre appareil). Voici où vous en êtes.",
  sendBlocked:
    "Nous n'avons pas pu envoyer de code à cette destination. Choisissez un autre moyen de vérification, ou contactez votre administrateur.",
  tenantDomainRefused:
    "Vous ne pouvez pas utiliser une adresse chez {domains}. Utilisez une adresse e-mail extérieure à votre organisation, comme une adresse personnelle, pour pouvoir la consulter même sans accès à votre compte professionnel.",
  lastMethod:
    "Vous ne pouvez pas supprimer votre seule méthode de connexion. Ajoutez-en d'abord une autre.",
  formExpiredTitle: "Ce formulaire a expiré",
  formExpiredLead:
    "Pour votre sécurité, le formulaire n'a pas pu être accepté. Revenez en arrière, rechargez la page et réessayez.",
  formExpiredPlainHttp:
    "Ce navigateur n'a pas renvoyé son cookie de sécurité : la page est servie en http non chiffré ({origin}), et le cookie est marqué Secure, ce que les navigateurs réservent à https (et à localhost). Ouvrez le site en https, ou, en développement uniquement, désactivez l'attribut Secure (cookies.secure: false dans createMfaWeb).",
  tooLargeTitle: "C'était trop à envoyer",
  tooLargeLead:
    "Le formulaire a envoyé plus que ce que cette page accepte. Revenez en arrière, vérifiez votre saisie et réessayez.",
  notFoundTitle: "Page introuvable",
  errorPageTitle: "Un problème est survenu",
  errorPageLead: "Un problème est survenu. Réessayez dans un instant.",
  goToStart: "Revenir au début",
  errors: {
    invalid_input: "La saisie n'est pas valide.",
    input_too_long: "La saisie est plus longue que permis.",
    invalid_code_format: "Saisissez le code en chiffres uniquement, tel que vous l'avez reçu.",
    invalid_phone: "Ce numéro de téléphone n'est pas valide.",
    phone_type_not_allowed: "Ce type de numéro de téléphone ne peut pas être utilisé ici.",
    phone_extension_not_allowed: "Les postes ne sont autorisés que pour les téléphones de bureau.",
    country_not_allowed: "Les numéros de ce pays ou de cette région ne peuvent pas être utilisés.",
    invalid_email: "Cette adresse e-mail n'est pas valide.",
    email_domain_not_allowed:
      "Utilisez une adresse e-mail extérieure à votre organisation, comme une adresse personnelle.",
    app_password_limit_reached:
      "Vous avez atteint le nombre maximal de mots de passe d'application.",
    app_password_not_found: "Ce mot de passe d'application n'existe pas.",
    factor_not_found: "Cette méthode de connexion n'existe pas.",
    factor_not_pending: "Cette application d'authentification a déjà été configurée ou annulée.",
    challenge_not_found: "Cette vérification est terminée. Demandez un nouveau code.",
    resend_limit_reached: "Trop de codes ont été envoyés. Réessayez plus tard.",
    config_invalid: "Le SDK est mal configuré.",
    key_not_found: "Une clé serveur nécessaire pour ces données manque dans le trousseau.",
    store_unavailable: "Le stockage de données est injoignable. Réessayez.",
    store_conflict:
      "Quelqu'un d'autre a modifié cela en même temps. Rechargez la page et réessayez.",
    store_invalid_operation:
      "Le stockage de données ne peut pas effectuer cette opération sur ses données.",
    delivery_rejected: "Le message n'a pas pu être remis à cette destination.",
    delivery_unavailable:
      "Le service de messages est indisponible. Réessayez, ou choisissez un autre moyen.",
    delivery_in_progress: "Ce message est déjà en cours d'envoi. Réessayez dans un instant.",
    idempotency_key_reused: "Cette clé de requête a déjà servi pour une autre requête.",
    reauthentication_required: "Reconnectez-vous pour modifier vos informations de sécurité.",
    enrolment_not_found: "Cette inscription est terminée ou n'existe pas. Recommencez.",
    step_mismatch: "Cette réponse concerne une autre étape. Rechargez pour voir où vous en êtes.",
    revert_link_invalid:
      "Ce lien n'est pas valide : il a expiré, a déjà été utilisé ou a été modifié.",
    passkey_rejected:
      "La clé d'accès n'a pas pu être vérifiée. Réessayez, ou utilisez une autre méthode.",
    internal: "Un problème est survenu.",
  },
};
