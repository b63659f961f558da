/**
 * The English strings of the pages. `{name}` is filled in when the page is made (and escaped).
 *
 * @module
 */

import { errorMessages } from "@mfakit/core";

/** English: the reference catalogue every other language follows key for key. */
export const en = {
  // Layout
  skipToContent: "Skip to content",
  signOut: "Sign out",
  errorTitle: "Error: {title}",
  errorSummaryTitle: "There is a problem",
  never: "never",
  copy: "Copy",
  copied: "Copied",
  // Sections
  mfaSection: "Additional security verification",
  resetSection: "Password reset",
  challengeSection: "Verify your identity",
  helpDesk: "Help desk",
  // Methods
  methodAuthenticationPhone: "Authentication phone",
  methodOfficePhone: "Office phone",
  methodAlternatePhone: "Alternate authentication phone",
  methodAuthenticatorApp: "Authenticator app",
  methodPasskey: "Passkey",
  recoveryEmail: "Authentication email",
  recoveryPhone: "Authentication phone",
  forPasswordReset: "{method} (password reset)",
  // Buttons
  back: "Back",
  cancel: "Cancel",
  stopHereKeepMethod: "Stop here (keep the new method)",
  continue: "Continue",
  next: "Next",
  verify: "Verify",
  done: "Done",
  finish: "Finish",
  signIn: "Sign in",
  setItUpNow: "Set it up now",
  skipForNow: "Skip for now ({left} left)",
  contactMe: "Contact me",
  sendNewCode: "Send a new code",
  callMeInstead: "Call me instead",
  useDifferentMethod: "Use a different method",
  startAgain: "Start again",
  textMe: "Text me",
  callMe: "Call me",
  emailMe: "Email me",
  change: "Change",
  remove: "Remove",
  revoke: "Revoke",
  forget: "Forget",
  forgetAll: "Forget all devices",
  // Intro
  introTitle: "More information required",
  introLead: "{tenant} needs more information to keep your account secure.",
  // Method choice
  methodTitle: "Step 1: How should we contact you?",
  methodLead:
    "Secure your account by adding phone verification or an authenticator app to your password.",
  methodQuestion: "How should we verify it's you?",
  forAPhone: "For a phone",
  countryLabel: "Country or region",
  countryHint: "Choose the country of the number, or type the number with its + code.",
  countryChoose: "Choose a country or region",
  countryRequired:
    "Choose the country or region of the number, or type it with its country code (for example +44 7400 123456).",
  phoneNumber: "Phone number",
  phoneNumberHint: "For example 07400 123456, or +44 7400 123456",
  phoneNumberInternationalHint: "With the country code, for example +44 7400 123456",
  extensionLabel: "Extension (office phone only)",
  deliveryQuestion: "How should we send the code?",
  deliverySms: "Send me a code by text message",
  deliveryVoice: "Call me",
  forAPasskey: "For a passkey",
  passkeyNameLabel: "Name (optional)",
  passkeyNameHint: "For example Work laptop",
  // Code page
  verifyCodeTitle: "Step 2: Enter your code",
  verifyEmailTitle: "Verify your authentication email",
  verifyPhoneTitle: "Verify your authentication phone",
  codeSentSms:
    "We've sent a text message to your phone at {destination}. It should arrive within 60 seconds.",
  codeSentVoice: "We're calling your phone at {destination}. Answer it to hear your code.",
  codeSentEmail: "We've sent an email to {destination}.",
  codeLabel: "Verification code",
  codeHint: "{length} digits",
  enterTheCode: "Enter the code",
  codeFromApp: "Code from the app",
  codeFactsOne: "The code works for {duration}. 1 try left.",
  codeFactsOther: "The code works for {duration}. {attempts} tries left.",
  codeDead: "This code can't be used any more: ask for a new one.",
  resendIn: "You can ask for a new code in {seconds} seconds.",
  resendReady: "Didn't get it? You can ask for a new code.",
  // Delivery receipts (the code page and the challenge)
  deliveryPending: "Sent. Waiting for your phone's network to confirm it arrived.",
  deliveryDelivered: "Delivered to your phone.",
  deliveryNotDelivered:
    "Not delivered: your phone's network could not deliver it. Call me instead, or use another method.",
  deliveryCallNotDelivered:
    "Not delivered: the call did not go through. Ask for a new code, or use another method.",
  deliveryFailedOver:
    "The first message did not arrive in time, so we sent a new code another way.",
  resendNoScript: "Reload this page when the time is up to send a new code.",
  newCodeSent: "We've sent a new code. Use the newest one: the earlier one no longer works.",
  // Authenticator app
  authenticatorTitle: "Set up your authenticator app",
  authenticatorKeyGone:
    "For your security the key is shown only once, and this page was reloaded. Start again to get a new key; the one you may have added is not active.",
  showNewKey: "Show a new key",
  authenticatorStep1:
    "Open your authenticator app (Microsoft Authenticator, Google Authenticator, 1Password…) and add an account.",
  authenticatorStep2: "Scan this QR code.",
  qrCaption: "QR code for {user} at {tenant}",
  cantScan: "Can't scan it? Enter this key:",
  authenticatorStep3: "Enter the {length}-digit code the app shows.",
  keyShownOnce: "This key is shown only once. Keep this page open until the app is set up.",
  // Passkeys
  passkeyCreateTitle: "Create a passkey",
  passkeyCreateLead:
    "A passkey signs you in with your fingerprint, face, PIN or security key, and works only on {tenant}'s site, so it can't be phished.",
  passkeyCreate: "Create a passkey",
  passkeyExpired: "This request has expired. Start again to create your passkey.",
  passkeyPrompt: "Follow your browser's prompt to use your passkey…",
  passkeyFailed:
    "No passkey was used (cancelled, timed out or not available here). Try again, or choose another method.",
  passkeyUseTitle: "Use your passkey",
  passkeyUseLead:
    "Your device will ask you to confirm it's you with your fingerprint, face, PIN or security key.",
  passkeyUseButton: "Use my passkey",
  // App password
  appPasswordTitle: "Your app password",
  appPasswordLead:
    "You have verified your identity. Some mail apps (for example Apple Mail on older devices) can't ask for a verification code: use this app password in them instead of your password.",
  appPasswordCopyNow:
    "Copy it now: it will not be shown again. You can revoke it, or create others, in Security info.",
  appPasswordCopyNowShort: "Copy it now: it will not be shown again.",
  appPasswordShownOnce:
    'Your app password "{name}" was shown once, when it was created. If you didn\'t see or copy it, get a new one: the old one stops working.',
  newAppPassword: "Get a new app password",
  // Recovery codes
  recoveryCodesTitle: "Save your recovery codes",
  recoveryCodesLead:
    "If you ever lose your phone or authenticator app, sign in with one of these recovery codes. Each works once.",
  recoveryCodesYours: "Your recovery codes",
  recoveryCodesSaveNow:
    "Print them or write them down now and keep them somewhere safe: they will not be shown again. You can make new ones in Security info.",
  recoveryCodesShownOnce:
    "Your recovery codes were shown once, when they were made. If you didn't save them, get new ones: the old ones stop working.",
  savedThem: "I saved them",
  newRecoveryCodes: "Get new recovery codes",
  getRecoveryCodes: "Get recovery codes",
  recoveryCodesHeading: "Recovery codes",
  recoveryCodesNew: "Your new recovery codes",
  recoveryCodesNewNote:
    "Save them now: they will not be shown again. Your old codes no longer work.",
  recoveryCodesLeft: "{remaining} of {total} left, made {made}.",
  recoveryCodesLow: "You're running low: get new ones.",
  recoveryCodesNone: "You have no recovery codes.",
  recoveryCodesFew: "You have {remaining} recovery codes left. Get new ones in Security info.",
  recoveryCodeUseTitle: "Use a recovery code",
  recoveryCodeUseLead:
    "Enter one of the recovery codes you saved when you set up your sign-in methods. Each code works once.",
  recoveryCodeLabel: "Recovery code",
  recoveryCodeHint: "10 letters and digits, like 7k3m9-q2xwd",
  // App steps
  changePasswordTitle: "Update your password",
  changePasswordLead: "You signed in with a temporary password. Choose a new one to continue.",
  currentPassword: "Current password",
  newPassword: "New password",
  newPasswordHint: "At least 12 characters. A short sentence works well.",
  confirmPassword: "Confirm new password",
  changePasswordButton: "Update password and continue",
  // Password reset
  recoveryIntroTitle: "Don't lose access to your account!",
  recoveryIntroLead:
    "To make sure you can reset your password, we need some more information. We'll use it only for account security; it isn't shown to anyone else.",
  recoveryIntroCount: "You need to set up {count} of the following.",
  recoveryMethodTitle: "Set up password reset",
  statusVerified: "Verified",
  statusNotSetUp: "Not set up",
  emailLabel: "Email address",
  emailHint: "An address you can reach without your {tenant} account, such as a personal address.",
  recoveryPhoneLead: "Verify your authentication phone {destination} for password reset.",
  // Summary
  finishTitle: "You're almost done",
  finishLead: "You've set up these ways to verify it's you and to reset your password.",
  doneTitle: "You're all set",
  doneLead: "Next time you sign in, we'll ask for one of these after your password.",
  goToSecurityInfo: "Go to Security info",
  tagNew: "new",
  cancelledTitle: "Set up later",
  cancelledLead: "Nothing was changed. We'll ask again next time you sign in.",
  // Sign-in challenge
  challengeChooseTitle: "How do you want to verify it's you?",
  challengeCodeTitle: "Enter your code",
  challengeAppTitle: "Enter the code from your authenticator app",
  challengeNoneTitle: "No sign-in method available",
  challengeNoneLead:
    "Your sign-in methods are turned off after too many wrong codes. Ask your administrator to turn them back on.",
  challengeSentSms: "We've texted a code to {destination}.",
  challengeSentVoice: "We're calling {destination} to read you a code.",
  challengeEnded: "That verification request has ended. Start again.",
  textMethod: "Text {method} {display}",
  callMethod: "Call {method} {display}",
  useApp: "Use a code from my authenticator app",
  usePasskey: "Use a passkey",
  useRecoveryCode: "Use a recovery code",
  havePass: "I have a Temporary Access Pass",
  rememberDevice: "Don't ask again on this device for {days} days",
  // Temporary Access Pass
  passSignInTitle: "Sign in with a Temporary Access Pass",
  passSignInLead:
    "Lost your phone or authenticator app? Enter the pass your help desk gave you, then set up a new sign-in method.",
  passLabel: "Temporary Access Pass",
  passHint: "16 letters and digits, for example abcd-efgh-jkmn-pqrs",
  passExpired: "That pass has expired. Ask your help desk for a new one.",
  passReplayed: "That pass was already used. Ask your help desk for a new one.",
  passNotYetValid: "That pass can't be used yet. Try again later.",
  passLocked: "Too many wrong passes. Try again in {duration}.",
  passWrong: "That pass is not correct. Check it and try again.",
  passIssueTitle: "Issue a Temporary Access Pass",
  passIssueLead:
    "After you have proved the user's identity, a pass lets them sign in and register new sign-in methods, and nothing else.",
  passUser: "User",
  passLifetime: "Lifetime in minutes",
  passLifetimeHint: "10 to 43200 (30 days)",
  passOneTime: "One-time use",
  passIssueButton: "Issue pass",
  passIssuedFor: "Temporary Access Pass for {user}",
  passIssuedOnce:
    "Give it to the user over a channel you trust. It is shown only now; it works once and ends on",
  passIssuedMany:
    "Give it to the user over a channel you trust. It is shown only now; it works several times and ends on",
  // Security info
  securityInfoTitle: "Security info",
  securityInfoLead: "These are the methods you use to sign in and to reset your password.",
  signInMethodsHeading: "Sign-in methods",
  noneYet: "None yet.",
  colMethod: "Method",
  colDetails: "Details",
  colAdded: "Added",
  colActions: "Actions",
  colDevice: "Device",
  colRemembered: "Remembered",
  colLastUsed: "Last used",
  colUntil: "Until",
  colName: "Name",
  colCreated: "Created",
  addMethodHeading: "Add a method",
  methodToAdd: "Method to add",
  groupSignIn: "Sign-in",
  addMethod: "Add method",
  devicesHeading: "Remembered devices",
  devicesLead: "These devices don't ask for a second method when you sign in.",
  devicesNone: "No remembered devices.",
  appPasswordsHeading: "App passwords",
  appPasswordsNone: "No app passwords.",
  appPasswordNew: "New app password",
  appPasswordNameLabel: "Name for a new app password",
  appPasswordNameHint: "Where you'll use it, e.g. \u201ciPhone Mail\u201d",
  createAppPassword: "Create app password",
  saved: "Saved. Your security info is up to date.",
  changeKept: "Your new method is set up and stays active. Nothing else was changed.",
  removed: "Removed. We've let you know on your other methods.",
  alreadyRemoved: "That method was already removed.",
  appPasswordRevoked: "App password revoked. Apps using it will stop working.",
  appPasswordAlreadyRevoked: "That app password was already revoked.",
  deviceForgotten: "That device will ask for a second method at the next sign-in.",
  devicesForgotten: "Every device will ask for a second method at the next sign-in.",
  deviceAlreadyForgotten: "That device was already forgotten.",
  signInAgain: "For your security, sign in again to continue.",
  // Revert link
  revertTitle: "Wasn't you?",
  revertLead: "If you did not make the change this message told you about, undo it here.",
  revertEffects:
    "Undoing it also signs out every app password and remembered device, and asks your administrator to review your account.",
  revertButton: "Undo this change",
  revertRemoved: "The sign-in method that was added has been removed.",
  revertRestored: "The sign-in method that was removed is back.",
  revertNothing:
    "There was nothing left to undo: the method is already gone, or cannot be put back (add it again from Security info).",
  revertInvalidTitle: "This link no longer works",
  revertInvalid: "This link has expired or was already used.",
  revertInvalidHelp: "If something still looks wrong, contact your administrator or support.",
  revertDoneTitle: "Change undone",
  revertRevoked:
    "{appPasswords} app password(s) and {devices} remembered device(s) were signed out.",
  revertReview:
    "Your account is now under review. Sign in again and check your security info; contact your administrator if you need help.",
  // Code and send outcomes
  codeMismatchOne: "That code didn't work. Check it and try again (1 attempt left).",
  codeMismatchOther: "That code didn't work. Check it and try again ({attempts} attempts left).",
  codeMismatchNoneLeft: "That code didn't work and no attempts are left. Ask for a new code.",
  codeExpired: "That code has expired. Ask for a new code.",
  codeLocked: "Too many wrong codes. Ask for a new code.",
  codeReplayed: "That code was already used. Wait for the next code in your authenticator app.",
  factorLocked: "Too many wrong codes. Wait {duration} and try again.",
  factorDisabled:
    "This method was turned off after too many wrong codes. Choose another method, or ask your administrator to turn it back on.",
  cooldownWait: "Please wait {duration} before asking for another code.",
  tooManySends: "Too many codes were sent. Try again in {duration}.",
  deliveryRetry: "We couldn't send the message just now. Try again, or choose another way.",
  deliveryRejected:
    "The message couldn't be delivered there. Check the details, or choose another way.",
  outOfDate:
    "This page was out of date (it changed in another tab or on another device). Here is where you are now.",
  sendBlocked:
    "We couldn't send a code there. Choose another way to verify, or contact your administrator.",
  tenantDomainRefused:
    "You can't use an address at {domains}. Use an email address outside your organisation, such as a personal address, so you can still reach it if you lose access to your work account.",
  lastMethod: "You can't remove your only sign-in method. Add another one first.",
  // Error pages
  formExpiredTitle: "This form has expired",
  formExpiredLead:
    "For your security, the form could not be accepted. Go back, reload the page and try again.",
  formExpiredPlainHttp:
    "This browser did not send back its security cookie: the page is served over plain http ({origin}), and the cookie is marked Secure, which browsers keep for https (and localhost) only. Open the site over https, or, for development only, turn the Secure flag off (createMfaWeb's cookies.secure: false).",
  tooLargeTitle: "That was too much to send",
  tooLargeLead:
    "The form sent more than this page accepts. Go back, check what you typed and try again.",
  notFoundTitle: "Page not found",
  errorPageTitle: "Something went wrong",
  errorPageLead: "Something went wrong. Try again in a moment.",
  goToStart: "Go to the start",
  // The SDK's error codes
  errors: { ...errorMessages },
};
