/**
 * Die deutschen Texte der Seiten (the German strings), key for key as in `en.ts`.
 *
 * @module
 */

import type { Messages } from "./catalogue.js";

/** German. */
export const de: Messages = {
  skipToContent: "Zum Inhalt springen",
  signOut: "Abmelden",
  errorTitle: "Fehler: {title}",
  errorSummaryTitle: "Es gibt ein Problem",
  never: "nie",
  copy: "Kopieren",
  copied: "Kopiert",
  mfaSection: "Zusätzliche Sicherheitsüberprüfung",
  resetSection: "Kennwortzurücksetzung",
  challengeSection: "Identität bestätigen",
  helpDesk: "Helpdesk",
  methodAuthenticationPhone: "Telefon für die Authentifizierung",
  methodOfficePhone: "Bürotelefon",
  methodAlternatePhone: "Alternatives Telefon für die Authentifizierung",
  methodAuthenticatorApp: "Authenticator-App",
  methodPasskey: "Passkey",
  recoveryEmail: "E-Mail-Adresse für die Authentifizierung",
  recoveryPhone: "Telefon für die Authentifizierung",
  forPasswordReset: "{method} (Kennwortzurücksetzung)",
  back: "Zurück",
  cancel: "Abbrechen",
  stopHereKeepMethod: "Hier aufhören (neue Methode behalten)",
  continue: "Weiter",
  next: "Weiter",
  verify: "Überprüfen",
  done: "Fertig",
  finish: "Abschließen",
  signIn: "Anmelden",
  setItUpNow: "Jetzt einrichten",
  skipForNow: "Vorerst überspringen (noch {left})",
  contactMe: "Kontaktieren Sie mich",
  sendNewCode: "Neuen Code senden",
  callMeInstead: "Stattdessen anrufen",
  useDifferentMethod: "Andere Methode verwenden",
  startAgain: "Neu beginnen",
  textMe: "SMS an mich",
  callMe: "Mich anrufen",
  emailMe: "E-Mail an mich",
  change: "Ändern",
  remove: "Entfernen",
  revoke: "Widerrufen",
  forget: "Vergessen",
  forgetAll: "Alle Geräte vergessen",
  introTitle: "Weitere Informationen erforderlich",
  introLead: "{tenant} benötigt weitere Informationen, um Ihr Konto zu schützen.",
  methodTitle: "Schritt 1: Wie sollen wir Sie kontaktieren?",
  methodLead:
    "Schützen Sie Ihr Konto, indem Sie Ihrem Kennwort eine Telefonüberprüfung oder eine Authenticator-App hinzufügen.",
  methodQuestion: "Wie sollen wir bestätigen, dass Sie es sind?",
  forAPhone: "Für ein Telefon",
  countryLabel: "Land oder Region",
  countryHint: "Wählen Sie das Land der Nummer, oder geben Sie die Nummer mit ihrer +-Vorwahl ein.",
  countryChoose: "Land oder Region wählen",
  countryRequired:
    "Wählen Sie das Land oder die Region der Nummer, oder geben Sie sie mit Ländervorwahl ein (zum Beispiel +49 151 23456789).",
  phoneNumber: "Telefonnummer",
  phoneNumberHint: "Zum Beispiel 0151 23456789 oder +49 151 23456789",
  phoneNumberInternationalHint: "Mit Ländervorwahl, zum Beispiel +49 151 23456789",
  extensionLabel: "Durchwahl (nur Bürotelefon)",
  deliveryQuestion: "Wie sollen wir den Code senden?",
  deliverySms: "Code per SMS senden",
  deliveryVoice: "Mich anrufen",
  forAPasskey: "Für einen Passkey",
  passkeyNameLabel: "Name (optional)",
  passkeyNameHint: "Zum Beispiel Arbeitslaptop",
  verifyCodeTitle: "Schritt 2: Code eingeben",
  verifyEmailTitle: "E-Mail-Adresse für die Authentifizierung bestätigen",
  verifyPhoneTitle: "Telefon für die Authentifizierung bestätigen",
  codeSentSms:
    "Wir haben eine SMS an Ihr Telefon {destination} gesendet. Sie sollte innerhalb von 60 Sekunden ankommen.",
  codeSentVoice: "Wir rufen Ihr Telefon {destination} an. Nehmen Sie ab, um Ihren Code zu hören.",
  codeSentEmail: "Wir haben eine E-Mail an {destination} gesendet.",
  codeLabel: "Bestätigungscode",
  codeHint: "{length} Ziffern",
  enterTheCode: "Code eingeben",
  codeFromApp: "Code aus der App",
  codeFactsOne: "Der Code gilt {duration}. Noch 1 Versuch.",
  codeFactsOther: "Der Code gilt {duration}. Noch {attempts} Versuche.",
  codeDead: "Dieser Code kann nicht mehr verwendet werden: Fordern Sie einen neuen an.",
  resendIn: "Sie können in {seconds} Sekunden einen neuen Code anfordern.",
  resendReady: "Nicht erhalten? Sie können einen neuen Code anfordern.",
  // Delivery receipts (the code page and the challenge)
  deliveryPending: "Gesendet. Wir warten auf die Zustellbestätigung Ihres Mobilfunknetzes.",
  deliveryDelivered: "An Ihr Telefon zugestellt.",
  deliveryNotDelivered:
    "Nicht zugestellt: Ihr Mobilfunknetz konnte die Nachricht nicht zustellen. Lassen Sie sich stattdessen anrufen, oder verwenden Sie eine andere Methode.",
  deliveryCallNotDelivered:
    "Nicht zugestellt: Der Anruf kam nicht zustande. Fordern Sie einen neuen Code an, oder verwenden Sie eine andere Methode.",
  deliveryFailedOver:
    "Die erste Nachricht kam nicht rechtzeitig an, deshalb haben wir einen neuen Code auf anderem Weg gesendet.",
  resendNoScript: "Laden Sie diese Seite nach Ablauf der Zeit neu, um einen neuen Code zu senden.",
  newCodeSent:
    "Wir haben einen neuen Code gesendet. Verwenden Sie den neuesten: Der vorherige gilt nicht mehr.",
  authenticatorTitle: "Authenticator-App einrichten",
  authenticatorKeyGone:
    "Zu Ihrer Sicherheit wird der Schlüssel nur einmal angezeigt, und diese Seite wurde neu geladen. Beginnen Sie neu, um einen neuen Schlüssel zu erhalten; ein eventuell hinzugefügter ist nicht aktiv.",
  showNewKey: "Neuen Schlüssel anzeigen",
  authenticatorStep1:
    "Öffnen Sie Ihre Authenticator-App (Microsoft Authenticator, Google Authenticator, 1Password…) und fügen Sie ein Konto hinzu.",
  authenticatorStep2: "Scannen Sie diesen QR-Code.",
  qrCaption: "QR-Code für {user} bei {tenant}",
  cantScan: "Scannen nicht möglich? Geben Sie diesen Schlüssel ein:",
  authenticatorStep3: "Geben Sie den {length}-stelligen Code aus der App ein.",
  keyShownOnce:
    "Dieser Schlüssel wird nur einmal angezeigt. Lassen Sie diese Seite offen, bis die App eingerichtet ist.",
  passkeyCreateTitle: "Passkey erstellen",
  passkeyCreateLead:
    "Mit einem Passkey melden Sie sich per Fingerabdruck, Gesicht, PIN oder Sicherheitsschlüssel an. Er funktioniert nur auf der Website von {tenant} und kann daher nicht abgefischt werden.",
  passkeyCreate: "Passkey erstellen",
  passkeyExpired: "Diese Anfrage ist abgelaufen. Beginnen Sie neu, um Ihren Passkey zu erstellen.",
  passkeyPrompt: "Folgen Sie der Aufforderung Ihres Browsers, um Ihren Passkey zu verwenden…",
  passkeyFailed:
    "Es wurde kein Passkey verwendet (abgebrochen, Zeit abgelaufen oder hier nicht verfügbar). Versuchen Sie es erneut, oder wählen Sie eine andere Methode.",
  passkeyUseTitle: "Passkey verwenden",
  passkeyUseLead:
    "Ihr Gerät bittet Sie, sich per Fingerabdruck, Gesicht, PIN oder Sicherheitsschlüssel zu bestätigen.",
  passkeyUseButton: "Meinen Passkey verwenden",
  appPasswordTitle: "Ihr App-Kennwort",
  appPasswordLead:
    "Sie haben Ihre Identität bestätigt. Manche Mail-Apps (zum Beispiel Apple Mail auf älteren Geräten) können keinen Bestätigungscode abfragen: Verwenden Sie dort dieses App-Kennwort statt Ihres Kennworts.",
  appPasswordCopyNow:
    "Kopieren Sie es jetzt: Es wird nicht noch einmal angezeigt. Unter Sicherheitsinformationen können Sie es widerrufen oder weitere erstellen.",
  appPasswordCopyNowShort: "Kopieren Sie es jetzt: Es wird nicht noch einmal angezeigt.",
  appPasswordShownOnce:
    "Ihr App-Kennwort „{name}“ wurde einmal angezeigt, als es erstellt wurde. Falls Sie es nicht gesehen oder kopiert haben, holen Sie ein neues: Das alte funktioniert dann nicht mehr.",
  newAppPassword: "Neues App-Kennwort holen",
  recoveryCodesTitle: "Wiederherstellungscodes speichern",
  recoveryCodesLead:
    "Falls Sie Ihr Telefon oder Ihre Authenticator-App verlieren, melden Sie sich mit einem dieser Wiederherstellungscodes an. Jeder funktioniert einmal.",
  recoveryCodesYours: "Ihre Wiederherstellungscodes",
  recoveryCodesSaveNow:
    "Drucken Sie sie jetzt aus oder schreiben Sie sie auf und bewahren Sie sie sicher auf: Sie werden nicht noch einmal angezeigt. Neue erhalten Sie unter Sicherheitsinformationen.",
  recoveryCodesShownOnce:
    "Ihre Wiederherstellungscodes wurden einmal angezeigt, als sie erstellt wurden. Falls Sie sie nicht gespeichert haben, holen Sie neue: Die alten funktionieren dann nicht mehr.",
  savedThem: "Ich habe sie gespeichert",
  newRecoveryCodes: "Neue Wiederherstellungscodes holen",
  getRecoveryCodes: "Wiederherstellungscodes holen",
  recoveryCodesHeading: "Wiederherstellungscodes",
  recoveryCodesNew: "Ihre neuen Wiederherstellungscodes",
  recoveryCodesNewNote:
    "Speichern Sie sie jetzt: Sie werden nicht noch einmal angezeigt. Ihre alten Codes gelten nicht mehr.",
  recoveryCodesLeft: "{remaining} von {total} übrig, erstellt am {made}.",
  recoveryCodesLow: "Es sind nur noch wenige: Holen Sie neue.",
  recoveryCodesNone: "Sie haben keine Wiederherstellungscodes.",
  recoveryCodesFew:
    "Sie haben noch {remaining} Wiederherstellungscodes. Neue erhalten Sie unter Sicherheitsinformationen.",
  recoveryCodeUseTitle: "Wiederherstellungscode verwenden",
  recoveryCodeUseLead:
    "Geben Sie einen der Wiederherstellungscodes ein, die Sie beim Einrichten Ihrer Anmeldemethoden gespeichert haben. Jeder Code funktioniert einmal.",
  recoveryCodeLabel: "Wiederherstellungscode",
  recoveryCodeHint: "10 Buchstaben und Ziffern, etwa 7k3m9-q2xwd",
  changePasswordTitle: "Kennwort ändern",
  changePasswordLead:
    "Sie haben sich mit einem temporären Kennwort angemeldet. Wählen Sie ein neues, um fortzufahren.",
  currentPassword: "Aktuelles Kennwort",
  newPassword: "Neues Kennwort",
  newPasswordHint: "Mindestens 12 Zeichen. Ein kurzer Satz eignet sich gut.",
  confirmPassword: "Neues Kennwort bestätigen",
  changePasswordButton: "Kennwort ändern und fortfahren",
  recoveryIntroTitle: "Verlieren Sie nicht den Zugriff auf Ihr Konto!",
  recoveryIntroLead:
    "Damit Sie Ihr Kennwort zurücksetzen können, benötigen wir weitere Informationen. Wir verwenden sie nur für die Kontosicherheit; niemand sonst sieht sie.",
  recoveryIntroCount: "Richten Sie {count} der folgenden Methoden ein.",
  recoveryMethodTitle: "Kennwortzurücksetzung einrichten",
  statusVerified: "Bestätigt",
  statusNotSetUp: "Nicht eingerichtet",
  emailLabel: "E-Mail-Adresse",
  emailHint:
    "Eine Adresse, die Sie ohne Ihr {tenant}-Konto erreichen, zum Beispiel eine private Adresse.",
  recoveryPhoneLead:
    "Bestätigen Sie Ihr Telefon für die Authentifizierung {destination} für die Kennwortzurücksetzung.",
  finishTitle: "Fast geschafft",
  finishLead:
    "Sie haben diese Möglichkeiten eingerichtet, sich zu bestätigen und Ihr Kennwort zurückzusetzen.",
  doneTitle: "Alles erledigt",
  doneLead: "Bei der nächsten Anmeldung fragen wir nach Ihrem Kennwort nach einer dieser Methoden.",
  goToSecurityInfo: "Zu den Sicherheitsinformationen",
  tagNew: "neu",
  cancelledTitle: "Später einrichten",
  cancelledLead: "Es wurde nichts geändert. Wir fragen bei der nächsten Anmeldung erneut.",
  challengeChooseTitle: "Wie möchten Sie bestätigen, dass Sie es sind?",
  challengeCodeTitle: "Code eingeben",
  challengeAppTitle: "Code aus Ihrer Authenticator-App eingeben",
  challengeNoneTitle: "Keine Anmeldemethode verfügbar",
  challengeNoneLead:
    "Ihre Anmeldemethoden wurden nach zu vielen falschen Codes deaktiviert. Bitten Sie Ihren Administrator, sie wieder zu aktivieren.",
  challengeSentSms: "Wir haben einen Code per SMS an {destination} gesendet.",
  challengeSentVoice: "Wir rufen {destination} an, um Ihnen einen Code vorzulesen.",
  challengeEnded: "Diese Überprüfung ist beendet. Beginnen Sie neu.",
  textMethod: "SMS an {method} {display}",
  callMethod: "Anruf an {method} {display}",
  useApp: "Code aus meiner Authenticator-App verwenden",
  usePasskey: "Passkey verwenden",
  useRecoveryCode: "Wiederherstellungscode verwenden",
  havePass: "Ich habe einen befristeten Zugriffspass",
  rememberDevice: "Auf diesem Gerät {days} Tage lang nicht mehr fragen",
  passSignInTitle: "Mit einem befristeten Zugriffspass anmelden",
  passSignInLead:
    "Telefon oder Authenticator-App verloren? Geben Sie den Pass vom Helpdesk ein und richten Sie dann eine neue Anmeldemethode ein.",
  passLabel: "Befristeter Zugriffspass",
  passHint: "16 Buchstaben und Ziffern, zum Beispiel abcd-efgh-jkmn-pqrs",
  passExpired: "Dieser Pass ist abgelaufen. Bitten Sie den Helpdesk um einen neuen.",
  passReplayed: "Dieser Pass wurde bereits verwendet. Bitten Sie den Helpdesk um einen neuen.",
  passNotYetValid: "Dieser Pass kann noch nicht verwendet werden. Versuchen Sie es später erneut.",
  passLocked: "Zu viele falsche Pässe. Versuchen Sie es in {duration} erneut.",
  passWrong: "Dieser Pass ist nicht korrekt. Prüfen Sie ihn und versuchen Sie es erneut.",
  passIssueTitle: "Befristeten Zugriffspass ausstellen",
  passIssueLead:
    "Nachdem Sie die Identität der Person geprüft haben, erlaubt ein Pass ihr, sich anzumelden und neue Anmeldemethoden zu registrieren, und sonst nichts.",
  passUser: "Benutzer",
  passLifetime: "Gültigkeit in Minuten",
  passLifetimeHint: "10 bis 43200 (30 Tage)",
  passOneTime: "Einmalige Verwendung",
  passIssueButton: "Pass ausstellen",
  passIssuedFor: "Befristeter Zugriffspass für {user}",
  passIssuedOnce:
    "Geben Sie ihn über einen vertrauenswürdigen Kanal weiter. Er wird nur jetzt angezeigt; er funktioniert einmal und endet am",
  passIssuedMany:
    "Geben Sie ihn über einen vertrauenswürdigen Kanal weiter. Er wird nur jetzt angezeigt; er funktioniert mehrmals und endet am",
  securityInfoTitle: "Sicherheitsinformationen",
  securityInfoLead: "Mit diesen Methoden melden Sie sich an und setzen Ihr Kennwort zurück.",
  signInMethodsHeading: "Anmeldemethoden",
  noneYet: "Noch keine.",
  colMethod: "Methode",
  colDetails: "Details",
  colAdded: "Hinzugefügt",
  colActions: "Aktionen",
  colDevice: "Gerät",
  colRemembered: "Gemerkt",
  colLastUsed: "Zuletzt verwendet",
  colUntil: "Bis",
  colName: "Name",
  colCreated: "Erstellt",
  addMethodHeading: "Methode hinzufügen",
  methodToAdd: "Hinzuzufügende Methode",
  groupSignIn: "Anmeldung",
  addMethod: "Methode hinzufügen",
  devicesHeading: "Gemerkte Geräte",
  devicesLead: "Diese Geräte fragen bei der Anmeldung nicht nach einer zweiten Methode.",
  devicesNone: "Keine gemerkten Geräte.",
  appPasswordsHeading: "App-Kennwörter",
  appPasswordsNone: "Keine App-Kennwörter.",
  appPasswordNew: "Neues App-Kennwort",
  appPasswordNameLabel: "Name für ein neues App-Kennwort",
  appPasswordNameHint: "Wo Sie es verwenden, z. B. „iPhone Mail“",
  createAppPassword: "App-Kennwort erstellen",
  saved: "Gespeichert. Ihre Sicherheitsinformationen sind aktuell.",
  changeKept: "Ihre neue Methode ist eingerichtet und bleibt aktiv. Sonst wurde nichts geändert.",
  removed: "Entfernt. Wir haben Sie über Ihre anderen Methoden benachrichtigt.",
  alreadyRemoved: "Diese Methode wurde bereits entfernt.",
  appPasswordRevoked: "App-Kennwort widerrufen. Apps, die es verwenden, funktionieren nicht mehr.",
  appPasswordAlreadyRevoked: "Dieses App-Kennwort wurde bereits widerrufen.",
  deviceForgotten: "Dieses Gerät fragt bei der nächsten Anmeldung nach einer zweiten Methode.",
  devicesForgotten: "Alle Geräte fragen bei der nächsten Anmeldung nach einer zweiten Methode.",
  deviceAlreadyForgotten: "Dieses Gerät wurde bereits vergessen.",
  signInAgain: "Melden Sie sich zu Ihrer Sicherheit erneut an, um fortzufahren.",
  revertTitle: "Das waren nicht Sie?",
  revertLead:
    "Wenn Sie die Änderung, über die diese Nachricht informiert hat, nicht vorgenommen haben, machen Sie sie hier rückgängig.",
  revertEffects:
    "Dabei werden auch alle App-Kennwörter und gemerkten Geräte abgemeldet, und Ihr Administrator wird gebeten, Ihr Konto zu prüfen.",
  revertButton: "Diese Änderung rückgängig machen",
  revertRemoved: "Die hinzugefügte Anmeldemethode wurde entfernt.",
  revertRestored: "Die entfernte Anmeldemethode ist wieder da.",
  revertNothing:
    "Es gab nichts mehr rückgängig zu machen: Die Methode ist bereits weg oder kann nicht wiederhergestellt werden (fügen Sie sie unter Sicherheitsinformationen erneut hinzu).",
  revertInvalidTitle: "Dieser Link funktioniert nicht mehr",
  revertInvalid: "Dieser Link ist abgelaufen oder wurde bereits verwendet.",
  revertInvalidHelp:
    "Wenn noch etwas nicht stimmt, wenden Sie sich an Ihren Administrator oder den Support.",
  revertDoneTitle: "Änderung rückgängig gemacht",
  revertRevoked:
    "{appPasswords} App-Kennwort/-Kennwörter und {devices} gemerkte(s) Gerät(e) wurden abgemeldet.",
  revertReview:
    "Ihr Konto wird jetzt geprüft. Melden Sie sich erneut an und prüfen Sie Ihre Sicherheitsinformationen; wenden Sie sich bei Bedarf an Ihren Administrator.",
  codeMismatchOne:
    "Dieser Code hat nicht funktioniert. Prüfen Sie ihn und versuchen Sie es erneut (noch 1 Versuch).",
  codeMismatchOther:
    "Dieser Code hat nicht funktioniert. Prüfen Sie ihn und versuchen Sie es erneut (noch {attempts} Versuche).",
  codeMismatchNoneLeft:
    "Dieser Code hat nicht funktioniert, und es sind keine Versuche mehr übrig. Fordern Sie einen neuen Code an.",
  codeExpired: "Dieser Code ist abgelaufen. Fordern Sie einen neuen Code an.",
  codeLocked: "Zu viele falsche Codes. Fordern Sie einen neuen Code an.",
  codeReplayed:
    "Dieser Code wurde bereits verwendet. Warten Sie auf den nächsten Code in Ihrer Authenticator-App.",
  factorLocked: "Zu viele falsche Codes. Warten Sie {duration} und versuchen Sie es erneut.",
  factorDisabled:
    "Diese Methode wurde nach zu vielen falschen Codes deaktiviert. Wählen Sie eine andere Methode, oder bitten Sie Ihren Administrator, sie wieder zu aktivieren.",
  cooldownWait: "Bitte warten Sie {duration}, bevor Sie einen weiteren Code anfordern.",
  tooManySends: "Es wurden zu viele Codes gesendet. Versuchen Sie es in {duration} erneut.",
  deliveryRetry:
    "Wir konnten die Nachricht gerade nicht senden. Versuchen Sie es erneut, oder wählen Sie einen anderen Weg.",
  deliveryRejected:
    "Die Nachricht konnte dort nicht zugestellt werden. Prüfen Sie die Angaben, oder wählen Sie einen anderen Weg.",
  outOfDate:
    "Diese Seite war veraltet (sie wurde in einem anderen Tab oder auf einem anderen Gerät geändert). Hier ist der aktuelle Stand.",
  sendBlocked:
    "Wir konnten dorthin keinen Code senden. Wählen Sie einen anderen Weg, oder wenden Sie sich an Ihren Administrator.",
  tenantDomainRefused:
    "Sie können keine Adresse bei {domains} verwenden. Verwenden Sie eine E-Mail-Adresse außerhalb Ihrer Organisation, etwa eine private, damit Sie sie auch ohne Zugriff auf Ihr Arbeitskonto erreichen.",
  lastMethod:
    "Sie können Ihre einzige Anmeldemethode nicht entfernen. Fügen Sie zuerst eine andere hinzu.",
  formExpiredTitle: "Dieses Formular ist abgelaufen",
  formExpiredLead:
    "Zu Ihrer Sicherheit konnte das Formular nicht angenommen werden. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es erneut.",
  formExpiredPlainHttp:
    "Dieser Browser hat sein Sicherheits-Cookie nicht zurückgesendet: Die Seite wird über unverschlüsseltes http ({origin}) ausgeliefert, und das Cookie ist als Secure markiert, was Browser nur für https (und localhost) zulassen. Öffnen Sie die Website über https, oder schalten Sie – nur in der Entwicklung – das Secure-Flag ab (cookies.secure: false in createMfaWeb).",
  tooLargeTitle: "Das war zu viel auf einmal",
  tooLargeLead:
    "Das Formular hat mehr gesendet, als diese Seite annimmt. Gehen Sie zurück, prüfen Sie Ihre Eingaben und versuchen Sie es erneut.",
  notFoundTitle: "Seite nicht gefunden",
  errorPageTitle: "Etwas ist schiefgelaufen",
  errorPageLead: "Etwas ist schiefgelaufen. Versuchen Sie es gleich noch einmal.",
  goToStart: "Zum Anfang",
  errors: {
    invalid_input: "Die Eingabe ist ungültig.",
    input_too_long: "Die Eingabe ist länger als erlaubt.",
    invalid_code_format:
      "Geben Sie den Code nur als Ziffern ein, genau wie Sie ihn erhalten haben.",
    invalid_phone: "Diese Telefonnummer ist ungültig.",
    phone_type_not_allowed: "Diese Art von Telefonnummer kann hier nicht verwendet werden.",
    phone_extension_not_allowed: "Durchwahlen sind nur bei Bürotelefonen erlaubt.",
    country_not_allowed: "Telefonnummern aus diesem Land oder dieser Region sind nicht erlaubt.",
    invalid_email: "Diese E-Mail-Adresse ist ungültig.",
    email_domain_not_allowed:
      "Verwenden Sie eine E-Mail-Adresse außerhalb Ihrer Organisation, etwa eine private Adresse.",
    app_password_limit_reached: "Sie haben die Höchstzahl an App-Kennwörtern erreicht.",
    app_password_not_found: "Dieses App-Kennwort existiert nicht.",
    factor_not_found: "Diese Anmeldemethode existiert nicht.",
    factor_not_pending: "Diese Authenticator-App wurde bereits eingerichtet oder abgebrochen.",
    challenge_not_found: "Diese Überprüfung ist beendet. Fordern Sie einen neuen Code an.",
    resend_limit_reached: "Es wurden zu viele Codes gesendet. Versuchen Sie es später erneut.",
    config_invalid: "Das SDK ist falsch konfiguriert.",
    key_not_found: "Ein für diese Daten nötiger Serverschlüssel fehlt im Schlüsselbund.",
    store_unavailable: "Der Datenspeicher ist nicht erreichbar. Versuchen Sie es erneut.",
    store_conflict:
      "Jemand anderes hat dies gleichzeitig geändert. Laden Sie neu und versuchen Sie es erneut.",
    store_invalid_operation:
      "Der Datenspeicher kann diese Operation mit seinen Daten nicht ausführen.",
    delivery_rejected: "Die Nachricht konnte an dieses Ziel nicht zugestellt werden.",
    delivery_unavailable:
      "Der Nachrichtendienst ist nicht verfügbar. Versuchen Sie es erneut, oder wählen Sie einen anderen Weg.",
    delivery_in_progress:
      "Diese Nachricht wird bereits gesendet. Versuchen Sie es gleich noch einmal.",
    idempotency_key_reused:
      "Dieser Anfrageschlüssel wurde bereits für eine andere Anfrage verwendet.",
    reauthentication_required:
      "Melden Sie sich erneut an, um Ihre Sicherheitsinformationen zu ändern.",
    enrolment_not_found: "Diese Registrierung ist beendet oder existiert nicht. Beginnen Sie neu.",
    step_mismatch:
      "Diese Antwort gehört zu einem anderen Schritt. Laden Sie neu, um zu sehen, wo Sie sind.",
    revert_link_invalid:
      "Dieser Link ist ungültig: Er ist abgelaufen, wurde bereits verwendet oder wurde verändert.",
    passkey_rejected:
      "Der Passkey konnte nicht bestätigt werden. Versuchen Sie es erneut, oder verwenden Sie eine andere Methode.",
    internal: "Etwas ist schiefgelaufen.",
  },
};
