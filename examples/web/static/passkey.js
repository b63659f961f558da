// The passkey ceremony (WebAuthn): the one page feature that needs JavaScript, since only the
// browser can talk to an authenticator. The server put the options in a JSON block beside the
// form; this asks the browser for a credential and posts it as JSON in the form's hidden field.
// Other buttons of the form (start again, another method) post as they are.
document.addEventListener("DOMContentLoaded", () => {
  for (const block of document.querySelectorAll("script[data-passkey-form]")) {
    const form = document.getElementById(block.getAttribute("data-passkey-form"));
    const field = form?.querySelector("input[data-passkey-field]");
    const status = document.getElementById("passkey-status");
    if (!form || !field) continue;
    const create = block.getAttribute("data-passkey-mode") === "create";
    form.addEventListener("submit", async (event) => {
      if (event.submitter?.name === "action") return;
      event.preventDefault();
      if (status) status.textContent = "Follow your browser's prompt to use your passkey…";
      try {
        const json = JSON.parse(block.textContent);
        const credential = create
          ? await navigator.credentials.create({
              publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(json),
            })
          : await navigator.credentials.get({
              publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(json),
            });
        field.value = JSON.stringify(credential.toJSON());
        form.submit();
      } catch {
        if (status)
          status.textContent =
            "No passkey was used (cancelled, timed out or not available here). Try again, or choose another method.";
      }
    });
  }
});
