/**
 * The built-in message strings, per locale.
 *
 * Placeholders in braces are filled by the renderer: `{app}` the app's name, `{code}` the
 * one-time code, `{purpose}` the purpose phrase, `{minutes}` the code's lifetime, `{factor}` the
 * name of a sign-in method. Every SMS string is written in the GSM 03.38 alphabet (no `ç`, `ê`,
 * `ó`…) so that a code message fits one 160-character segment in every built-in language; the
 * tests check it.
 *
 * @module
 */

/** Every string a message is built from. An app may override any of them per locale. */
export interface TemplateStrings {
  /** `{purpose}` when enrolling an authentication phone. */
  readonly purposeEnrol: string;
  /** `{purpose}` when signing in. */
  readonly purposeSignin: string;
  /** `{purpose}` when confirming a recovery email address. */
  readonly purposeRecoveryEmail: string;
  /** `{purpose}` when confirming a recovery phone. */
  readonly purposeRecoveryPhone: string;
  /** The SMS carrying a code; must contain `{code}`. Keep it within 160 GSM-7 characters. */
  readonly smsCode: string;
  /** First words of a call. */
  readonly voiceGreeting: string;
  /** Said right before the code is read. */
  readonly voiceCodeIntro: string;
  /** Said before the code is read a second time. */
  readonly voiceRepeat: string;
  /** Said after the code: lifetime, warning, goodbye. */
  readonly voiceCodeOutro: string;
  /** Last words of a notice call. */
  readonly voiceGoodbye: string;
  /** Subject of an email carrying a code (the code itself is never in the subject). */
  readonly emailCodeSubject: string;
  /** First line of every email. */
  readonly emailGreeting: string;
  /** The line above the code. */
  readonly emailCodeIntro: string;
  /** The code's lifetime. */
  readonly emailCodeExpiry: string;
  /** The "do not share" warning. */
  readonly emailDoNotShare: string;
  /** What to do with a code nobody asked for. */
  readonly emailCodeIgnore: string;
  /** Subject of a notice that a sign-in method was added. */
  readonly noticeSubjectAdded: string;
  /** Subject of a notice that a sign-in method was removed. */
  readonly noticeSubjectRemoved: string;
  /** Subject of a notice that a sign-in method was changed. */
  readonly noticeSubjectChanged: string;
  /** Body sentence: a method was added; contains `{factor}`. */
  readonly noticeAdded: string;
  /** Body sentence: a method was removed; contains `{factor}`. */
  readonly noticeRemoved: string;
  /** Body sentence: a method was changed; contains `{factor}`. */
  readonly noticeChanged: string;
  /** Subject of a notice that a one-time sign-in method was used (a pass, a recovery code). */
  readonly noticeSubjectUsed: string;
  /** Body sentence: a method was used to sign in; contains `{factor}`. */
  readonly noticeUsed: string;
  /** Body sentence when few recovery codes are left; contains `{remaining}`. */
  readonly noticeFewLeft: string;
  /** What to do when the change was not the user's. */
  readonly noticeIfNotYou: string;
  /**
   * The "this wasn't me" line, in SMS and email notices that carry a revert link; must contain
   * `{link}`. Keep it short: it shares the notice SMS with the link.
   */
  readonly noticeUndo: string;
  /** `{factor}`: an authentication phone. */
  readonly factorPhone: string;
  /** `{factor}`: an office phone. */
  readonly factorOfficePhone: string;
  /** `{factor}`: an authenticator app. */
  readonly factorAuthenticatorApp: string;
  /** `{factor}`: an app password. */
  readonly factorAppPassword: string;
  /** `{factor}`: a passkey. */
  readonly factorPasskey: string;
  /** `{factor}`: a recovery email address. */
  readonly factorRecoveryEmail: string;
  /** `{factor}`: a recovery phone. */
  readonly factorRecoveryPhone: string;
  /** `{factor}`: a Temporary Access Pass an administrator issued. */
  readonly factorTemporaryAccessPass: string;
  /** `{factor}`: recovery codes. */
  readonly factorRecoveryCodes: string;
}

const en: TemplateStrings = {
  purposeEnrol: "to set up sign-in verification",
  purposeSignin: "to sign in",
  purposeRecoveryEmail: "to confirm your recovery email address",
  purposeRecoveryPhone: "to confirm your recovery phone",
  smsCode:
    "{code} is your {app} code {purpose}. It expires in {minutes} min. Don't share it with anyone.",
  voiceGreeting: "Hello. This is {app}.",
  voiceCodeIntro: "Your code {purpose} is:",
  voiceRepeat: "Once again, your code is:",
  voiceCodeOutro: "The code expires in {minutes} minutes. Do not share it with anyone. Goodbye.",
  voiceGoodbye: "Goodbye.",
  emailCodeSubject: "Your {app} verification code",
  emailGreeting: "Hello,",
  emailCodeIntro: "Use this code {purpose}:",
  emailCodeExpiry: "The code expires in {minutes} minutes.",
  emailDoNotShare: "Do not share it with anyone: {app} will never ask you for it.",
  emailCodeIgnore: "If you did not ask for this code, you can ignore this email.",
  noticeSubjectAdded: "A sign-in method was added to your {app} account",
  noticeSubjectRemoved: "A sign-in method was removed from your {app} account",
  noticeSubjectChanged: "A sign-in method was changed on your {app} account",
  noticeAdded: "This sign-in method was added to your {app} account: {factor}.",
  noticeRemoved: "This sign-in method was removed from your {app} account: {factor}.",
  noticeChanged: "This sign-in method was changed on your {app} account: {factor}.",
  noticeFewLeft: "You have {remaining} left: make new ones in Security info.",
  noticeIfNotYou: "If this wasn't you, contact your administrator or support right away.",
  noticeUndo: "Not you? Undo it: {link}",
  factorPhone: "authentication phone",
  factorOfficePhone: "office phone",
  factorAuthenticatorApp: "authenticator app",
  factorAppPassword: "app password",
  factorPasskey: "passkey",
  factorRecoveryEmail: "recovery email address",
  factorRecoveryPhone: "recovery phone",
  factorTemporaryAccessPass: "Temporary Access Pass",
  noticeSubjectUsed: "A sign-in method was used on your {app} account",
  noticeUsed: "This sign-in method was used to sign in to your {app} account: {factor}.",
  factorRecoveryCodes: "recovery codes",
};

const de: TemplateStrings = {
  purposeEnrol: "zum Einrichten der Anmeldebestätigung",
  purposeSignin: "zur Anmeldung",
  purposeRecoveryEmail: "zur Bestätigung Ihrer Wiederherstellungs-E-Mail-Adresse",
  purposeRecoveryPhone: "zur Bestätigung Ihres Wiederherstellungstelefons",
  smsCode:
    "{code} ist Ihr {app}-Code {purpose}. {minutes} Min. gültig. Geben Sie ihn niemandem weiter.",
  voiceGreeting: "Hallo. Hier ist {app}.",
  voiceCodeIntro: "Ihr Code {purpose} lautet:",
  voiceRepeat: "Noch einmal, Ihr Code lautet:",
  voiceCodeOutro:
    "Der Code ist {minutes} Minuten gültig. Geben Sie ihn niemandem weiter. Auf Wiederhören.",
  voiceGoodbye: "Auf Wiederhören.",
  emailCodeSubject: "Ihr Bestätigungscode für {app}",
  emailGreeting: "Hallo,",
  emailCodeIntro: "Verwenden Sie diesen Code {purpose}:",
  emailCodeExpiry: "Der Code ist {minutes} Minuten gültig.",
  emailDoNotShare: "Geben Sie ihn an niemanden weiter: {app} wird Sie nie danach fragen.",
  emailCodeIgnore:
    "Wenn Sie diesen Code nicht angefordert haben, können Sie diese E-Mail ignorieren.",
  noticeSubjectAdded: "Neue Anmeldemethode in Ihrem {app}-Konto",
  noticeSubjectRemoved: "Anmeldemethode aus Ihrem {app}-Konto entfernt",
  noticeSubjectChanged: "Anmeldemethode in Ihrem {app}-Konto geändert",
  noticeAdded: "Diese Anmeldemethode wurde Ihrem {app}-Konto hinzugefügt: {factor}.",
  noticeRemoved: "Diese Anmeldemethode wurde aus Ihrem {app}-Konto entfernt: {factor}.",
  noticeChanged: "Diese Anmeldemethode wurde in Ihrem {app}-Konto geändert: {factor}.",
  noticeFewLeft: "Sie haben noch {remaining}: Erstellen Sie neue unter Sicherheitsinformationen.",
  noticeIfNotYou:
    "Falls Sie das nicht waren, wenden Sie sich sofort an Ihren Administrator oder den Support.",
  noticeUndo: "Nicht Sie? Rückgängig machen: {link}",
  factorPhone: "Telefon für die Authentifizierung",
  factorOfficePhone: "Bürotelefon",
  factorAuthenticatorApp: "Authenticator-App",
  factorAppPassword: "App-Kennwort",
  factorPasskey: "Passkey",
  factorRecoveryEmail: "E-Mail-Adresse für die Wiederherstellung",
  factorRecoveryPhone: "Telefon für die Wiederherstellung",
  factorTemporaryAccessPass: "befristeter Zugriffspass",
  noticeSubjectUsed: "Anmeldemethode für Ihr {app}-Konto verwendet",
  noticeUsed: "Diese Anmeldemethode wurde zur Anmeldung bei Ihrem {app}-Konto verwendet: {factor}.",
  factorRecoveryCodes: "Wiederherstellungscodes",
};

const fr: TemplateStrings = {
  purposeEnrol: "pour configurer la vérification de connexion",
  purposeSignin: "pour vous connecter",
  purposeRecoveryEmail: "pour confirmer votre adresse e-mail de récupération",
  purposeRecoveryPhone: "pour confirmer votre téléphone de récupération",
  smsCode:
    "{code} est votre code {app} {purpose}. Valable {minutes} min. Ne le partagez avec personne.",
  voiceGreeting: "Bonjour. Ici {app}.",
  voiceCodeIntro: "Votre code {purpose} est :",
  voiceRepeat: "Je répète, votre code est :",
  voiceCodeOutro: "Ce code expire dans {minutes} minutes. Ne le communiquez à personne. Au revoir.",
  voiceGoodbye: "Au revoir.",
  emailCodeSubject: "Votre code de vérification {app}",
  emailGreeting: "Bonjour,",
  emailCodeIntro: "Utilisez ce code {purpose} :",
  emailCodeExpiry: "Ce code expire dans {minutes} minutes.",
  emailDoNotShare: "Ne le communiquez à personne : {app} ne vous le demandera jamais.",
  emailCodeIgnore: "Si vous n'avez pas demandé ce code, vous pouvez ignorer cet e-mail.",
  noticeSubjectAdded: "Une méthode de connexion a été ajoutée à votre compte {app}",
  noticeSubjectRemoved: "Une méthode de connexion a été supprimée de votre compte {app}",
  noticeSubjectChanged: "Une méthode de connexion a été modifiée sur votre compte {app}",
  noticeAdded: "Cette méthode de connexion a été ajoutée à votre compte {app} : {factor}.",
  noticeRemoved: "Cette méthode de connexion a été supprimée de votre compte {app} : {factor}.",
  noticeChanged: "Cette méthode de connexion a été modifiée sur votre compte {app} : {factor}.",
  noticeFewLeft: "Il vous en reste {remaining} : créez-en de nouveaux dans Infos de sécurité.",
  noticeIfNotYou:
    "Si ce n'était pas vous, contactez immédiatement votre administrateur ou le support.",
  noticeUndo: "Ce n'était pas vous ? Annulez : {link}",
  factorPhone: "téléphone d'authentification",
  factorOfficePhone: "téléphone de bureau",
  factorAuthenticatorApp: "application d'authentification",
  factorAppPassword: "mot de passe d'application",
  factorPasskey: "clé d'accès",
  factorRecoveryEmail: "adresse e-mail de récupération",
  factorRecoveryPhone: "téléphone de récupération",
  factorTemporaryAccessPass: "passe d'accès temporaire",
  noticeSubjectUsed: "Une méthode de connexion a été utilisée sur votre compte {app}",
  noticeUsed:
    "Cette méthode de connexion a servi à vous connecter à votre compte {app} : {factor}.",
  factorRecoveryCodes: "codes de secours",
};

const es: TemplateStrings = {
  purposeEnrol: "para configurar tu acceso en dos pasos",
  purposeSignin: "para acceder",
  purposeRecoveryEmail: "para confirmar tu correo alternativo",
  purposeRecoveryPhone: "para confirmar tu teléfono alternativo",
  smsCode:
    "{code} es tu clave de {app} {purpose}. Caduca en {minutes} min. No la compartas con nadie.",
  voiceGreeting: "Hola. Te llama {app}.",
  voiceCodeIntro: "Tu código {purpose} es:",
  voiceRepeat: "Repito, tu código es:",
  voiceCodeOutro: "El código caduca en {minutes} minutos. No lo compartas con nadie. Adiós.",
  voiceGoodbye: "Adiós.",
  emailCodeSubject: "Tu código de verificación de {app}",
  emailGreeting: "Hola:",
  emailCodeIntro: "Usa este código {purpose}:",
  emailCodeExpiry: "El código caduca en {minutes} minutos.",
  emailDoNotShare: "No lo compartas con nadie: {app} nunca te lo pedirá.",
  emailCodeIgnore: "Si no has pedido este código, puedes ignorar este correo.",
  noticeSubjectAdded: "Se ha añadido un método de inicio de sesión a tu cuenta de {app}",
  noticeSubjectRemoved: "Se ha eliminado un método de inicio de sesión de tu cuenta de {app}",
  noticeSubjectChanged: "Se ha cambiado un método de inicio de sesión de tu cuenta de {app}",
  noticeAdded: "Se ha añadido este método de inicio de sesión a tu cuenta de {app}: {factor}.",
  noticeRemoved: "Se ha eliminado este método de inicio de sesión de tu cuenta de {app}: {factor}.",
  noticeChanged: "Se ha cambiado este método de inicio de sesión de tu cuenta de {app}: {factor}.",
  noticeFewLeft: "Te quedan {remaining}: crea otros nuevos en Información de seguridad.",
  noticeIfNotYou:
    "Si no has sido tú, ponte en contacto de inmediato con tu administrador o con soporte.",
  noticeUndo: "Si no has sido tu, deshazlo: {link}",
  factorPhone: "teléfono de autenticación",
  factorOfficePhone: "teléfono de la oficina",
  factorAuthenticatorApp: "aplicación de autenticación",
  factorAppPassword: "contraseña de aplicación",
  factorPasskey: "llave de acceso",
  factorRecoveryEmail: "correo de recuperación",
  factorRecoveryPhone: "teléfono de recuperación",
  factorTemporaryAccessPass: "pase de acceso temporal",
  noticeSubjectUsed: "Se ha usado un método de inicio de sesión en tu cuenta de {app}",
  noticeUsed: "Se ha usado este método para iniciar sesión en tu cuenta de {app}: {factor}.",
  factorRecoveryCodes: "códigos de recuperación",
};

/** The built-in strings, by locale. English is the fallback for every locale and every key. */
export const builtInStrings: Readonly<Record<string, TemplateStrings>> = Object.freeze({
  en,
  de,
  fr,
  es,
});

/** The names of every string, for validating overrides. */
export const templateStringKeys = Object.freeze(
  Object.keys(en),
) as readonly (keyof TemplateStrings)[];
