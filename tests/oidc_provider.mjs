// A real OpenID Connect provider for the tests: panva's certified `oidc-provider` (npm), on loopback.
//
//   node tests/oidc_provider.mjs PORT REDIRECT_URI POST_LOGOUT_REDIRECT_URI [ID_TOKEN_TTL_SECONDS] [EMAIL_VERIFIED]
//
// One confidential client ("mm-test", secret "mm-test-secret", PKCE required) with the given redirect
// URI; every login name is an account whose claims are those of a citizen of Görlitz (name, e-mail
// confirmed, postal address; EMAIL_VERIFIED "false": the address is sent as unverified, as a broker
// does that lets people type any address). The development interactions (login form, consent) stand in for a real
// identity broker; a browser drives them like any login page. Prints "ready" once it listens.
import Provider from "oidc-provider";

const [port, redirectUri, postLogoutUri, idTokenTtl, emailVerified] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

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
  ],
  pkce: { required: () => true },
  claims: {
    openid: ["sub"],
    profile: ["name", "given_name", "family_name"],
    email: ["email", "email_verified"],
    address: ["address"],
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
provider.listen(Number(port), "127.0.0.1", () => {
  console.log("ready");
});
