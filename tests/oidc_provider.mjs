// A real OpenID Connect provider for the tests: panva's certified `oidc-provider` (npm), on loopback.
//
//   node tests/oidc_provider.mjs PORT REDIRECT_URI POST_LOGOUT_REDIRECT_URI [ID_TOKEN_TTL_SECONDS] [EMAIL_VERIFIED]
//
// One confidential client ("mm-test", secret "mm-test-secret", PKCE required) with the given redirect
// URI; every login name is an account whose claims are those of a citizen of Görlitz (name, e-mail
// confirmed, postal address; EMAIL_VERIFIED "false": the address is sent as unverified, as a broker
// does that lets people type any address). The development interactions (login form, consent) stand in for a real
// identity broker; a browser drives them like any login page. Prints "ready" once it listens.
//
// Staff directory (issue 29.7), optional: with MM_STAFF_REDIRECT_URI set, a second confidential client
// ("mm-staff", secret "mm-staff-secret", client_secret_basic, PKCE) stands for a commune's Keycloak;
// MM_STAFF_ACCOUNTS (JSON {login: {"groups": [...], "amr": [...], "acr": "..."}}) gives those accounts
// their directory groups (scope "groups") and the authentication methods the provider records at login
// (amr/acr in the ID token come from the provider's session, as with a real broker's MFA step).
import Provider from "oidc-provider";

const [port, redirectUri, postLogoutUri, idTokenTtl, emailVerified] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const staffRedirectUri = process.env.MM_STAFF_REDIRECT_URI;
const staffAccounts = JSON.parse(process.env.MM_STAFF_ACCOUNTS || "{}");
const staffClients = staffRedirectUri
  ? [
      {
        client_id: "mm-staff",
        client_secret: "mm-staff-secret",
        redirect_uris: [staffRedirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ]
  : [];
const acrValues = [...new Set(Object.values(staffAccounts).map((a) => a.acr).filter(Boolean))];

const configuration = {
  clients: [
    {
      client_id: "mm-test",
      client_secret: "mm-test-secret",
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [postLogoutUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    },
    ...staffClients,
  ],
  acrValues,
  pkce: { required: () => true },
  claims: {
    // acr/amr/auth_time: recorded by the login step (below), sent in every ID token as Keycloak does.
    openid: ["sub", "acr", "amr", "auth_time"],
    profile: ["name", "given_name", "family_name", "preferred_username"],
    email: ["email", "email_verified"],
    address: ["address"],
    groups: ["groups"],
  },
  // The claims also in the ID token (the broker's usual setting), not only from the userinfo endpoint.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: "Erika Mustermann",
          given_name: "Erika",
          family_name: "Mustermann",
          email: `${id}@example.org`,
          email_verified: emailVerified !== "false",
          preferred_username: id,
          groups: staffAccounts[id]?.groups ?? [],
          address: {
            street_address: "Obermarkt 1",
            postal_code: "02826",
            locality: "Görlitz",
            country: "DE",
          },
        };
      },
    };
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  ttl: { IdToken: Number(idTokenTtl || 3600) },
  cookies: { keys: ["mm-test-cookie-key"] },
  renderError(ctx, out) {
    ctx.type = "html";
    ctx.body = `<!DOCTYPE html><title>Fehler</title><pre>${JSON.stringify(out)}</pre>`;
  },
};

const provider = new Provider(issuer, configuration);
// The login step records how the person authenticated (amr/acr), as a broker's MFA flow would.
const interactionResult = provider.interactionResult.bind(provider);
provider.interactionResult = async (req, res, result, options) => {
  const account = result?.login && staffAccounts[result.login.accountId];
  if (account) {
    if (account.amr) result.login.amr = account.amr;
    if (account.acr) result.login.acr = account.acr;
  }
  return interactionResult(req, res, result, options);
};
provider.listen(Number(port), "127.0.0.1", () => {
  console.log("ready");
});
