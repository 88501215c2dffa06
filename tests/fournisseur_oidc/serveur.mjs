// A real, independent OpenID Provider (the certified `oidc-provider` package of the npm registry) standing in
// for FranceConnect (job seekers) and ProConnect (agents), for the tests and for the local demo.
//
// Started by tests/fournisseur_oidc/conftest.py, or by `make fournisseur-oidc` for the demo. It listens on
// loopback only (port from FOURNISSEUR_OIDC_PORT, 0 = a free one) and prints one JSON line once ready:
// {"issuer": "http://127.0.0.1:<port>"}. It stops by itself after FOURNISSEUR_OIDC_DUREE seconds.
//
// Clients (redirect addresses from FOURNISSEUR_OIDC_BASES, space separated, e.g. "http://testserver"):
// - "franceconnect": pivot identity claims, userinfo signed (RS256), acr eidas1..eidas3;
// - "proconnect": email, given_name, usual_name, siret, uid, idp_id, userinfo as plain JSON.
// The login page takes an account's login and a level of assurance; "Annuler" answers access_denied.
//
// Test controls (POST, JSON body), for the cases the real providers produce and a test cannot otherwise
// cause: /_test/comptes (add accounts), /_test/bases (redirect addresses), /_test/rotation (a new signing key, new kid), /_test/imposteur
// (sign with a key the published JWKS does not hold, under the same kid), /_test/horloge (the next token
// response is issued this many seconds in the past), /_test/reinitialiser.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const SECRETS = { franceconnect: 'secret-franceconnect-demo', proconnect: 'secret-proconnect-demo' };
const BASES_INITIALES = (process.env.FOURNISSEUR_OIDC_BASES || 'http://testserver').split(/\s+/).filter(Boolean);
let BASES = BASES_INITIALES;
const DUREE = Number(process.env.FOURNISSEUR_OIDC_DUREE || 3600);

// Demo personas (indemnites/droits/services/demo.py) and demo agents (habilitations/services/demo.py).
const COMPTES_DEMO = JSON.parse(readFileSync(new URL('./comptes.json', import.meta.url), 'utf8'));

const etat = { comptes: { ...COMPTES_DEMO }, cles: [nouvelleCle()], publiees: null, decalage: 0 };
let provider;
let issuer;

function nouvelleCle(kid = randomUUID()) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
}

function publique({ d, p, q, dp, dq, qi, ...cle }) { // eslint-disable-line no-unused-vars
  return cle;
}

function client(id, extra) {
  return {
    client_id: id,
    client_secret: SECRETS[id],
    redirect_uris: BASES.map((base) => `${base}${id === 'franceconnect' ? '/compte/connexion/retour' : '/habilitations/compte/proconnect/retour/'}`),
    post_logout_redirect_uris: BASES.map((base) => `${base}${id === 'franceconnect' ? '/compte/deconnexion/retour' : '/habilitations/compte/proconnect/deconnexion/'}`),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    ...extra,
  };
}

const CLAIMS = ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email',
  'preferred_name', 'usual_name', 'siret', 'uid', 'idp_id'];

function construire() {
  provider = new Provider(issuer, {
    clients: [client('franceconnect', { userinfo_signed_response_alg: 'RS256' }), client('proconnect')],
    jwks: { keys: etat.cles },
    // Each claim is its own scope, as with FranceConnect v2 and ProConnect.
    claims: Object.fromEntries([['openid', ['sub']], ...CLAIMS.map((c) => [c, [c]])]),
    scopes: ['openid', ...CLAIMS],
    acrValues: ['eidas1', 'eidas2', 'eidas3'],
    features: { devInteractions: { enabled: false }, jwtUserinfo: { enabled: true }, rpInitiatedLogout: { enabled: true, logoutSource } },
    pkce: { required: () => false },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, id) {
      const claims = etat.comptes[id];
      return claims && { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
    ttl: { IdToken: 300, AccessToken: 300, AuthorizationCode: 60, Session: 3600, Interaction: 600, Grant: 3600 },
  });
}

async function logoutSource(ctx, form) {
  ctx.body = `<!doctype html><html lang="fr"><body><h1>Se déconnecter du fournisseur</h1>${form}
<button form="op.logoutForm" type="submit" name="logout" value="yes">Se déconnecter</button></body></html>`;
}

function page(res, statut, html) {
  res.writeHead(statut, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="fr"><body>${html}</body></html>`);
}

async function corps(req) {
  const morceaux = [];
  for await (const morceau of req) morceaux.push(morceau);
  const texte = Buffer.concat(morceaux).toString();
  if ((req.headers['content-type'] || '').startsWith('application/json')) return texte ? JSON.parse(texte) : {};
  return Object.fromEntries(new URLSearchParams(texte));
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page(res, 400, 'Interaction inconnue');
  if (req.method === 'GET') {
    return page(res, 200, `<h1>Fournisseur d'identité de test</h1><p>Client : ${details.params.client_id}</p>
<form method="post" action="/interaction/${uid}/login"><label>Identifiant <input name="login"></label>
<label>Niveau <input name="acr" value="eidas1"></label><button>Se connecter</button></form>
<form method="post" action="/interaction/${uid}/annuler"><button>Annuler</button></form>`);
  }
  const donnees = await corps(req);
  if (action === 'annuler') {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' });
  }
  if (!etat.comptes[donnees.login]) return page(res, 400, 'Compte inconnu');
  const grant = new provider.Grant({ accountId: donnees.login, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, {
    login: { accountId: donnees.login, acr: donnees.acr || 'eidas1' },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

async function controle(req, res, nom) {
  const donnees = await corps(req);
  if (nom === 'comptes') Object.assign(etat.comptes, donnees);
  else if (nom === 'bases') { BASES = donnees.bases; construire(); } // e.g. a live test server's address
  else if (nom === 'rotation') { etat.cles = [nouvelleCle()]; etat.publiees = null; construire(); }
  else if (nom === 'imposteur') {
    etat.publiees = etat.cles.map(publique);
    etat.cles = [nouvelleCle(etat.cles[0].kid)];
    construire();
  } else if (nom === 'horloge') etat.decalage = Number(donnees.secondes || 0);
  else if (nom === 'reinitialiser') {
    etat.comptes = { ...COMPTES_DEMO };
    etat.decalage = 0;
    if (etat.publiees) { etat.cles = [nouvelleCle()]; etat.publiees = null; }
    BASES = BASES_INITIALES;
    construire(); // a fresh provider: no session, grant or code of a previous test survives
  } else return page(res, 404, 'Contrôle inconnu');
  res.writeHead(204);
  return res.end();
}

// The next token response is issued `decalage` seconds in the past (an id_token that arrives expired).
function avecDecalage(req, res, suite) {
  const decalage = etat.decalage;
  etat.decalage = 0;
  const maintenant = Date.now;
  Date.now = () => maintenant() + decalage * 1000;
  res.on('close', () => { Date.now = maintenant; });
  return suite(req, res);
}

const serveur = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const morceaux = url.pathname.split('/').filter(Boolean);
    if (morceaux[0] === '_test' && req.method === 'POST') return await controle(req, res, morceaux[1]);
    if (morceaux[0] === 'interaction') return await interaction(req, res, morceaux[1], morceaux[2]);
    if (url.pathname === '/jwks' && etat.publiees) {
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
      return res.end(JSON.stringify({ keys: etat.publiees }));
    }
    if (url.pathname === '/token' && etat.decalage) return avecDecalage(req, res, provider.callback());
    return provider.callback()(req, res);
  } catch (erreur) {
    console.error(erreur);
    if (!res.headersSent) page(res, 500, 'Erreur du fournisseur de test');
    return undefined;
  }
});

serveur.listen(Number(process.env.FOURNISSEUR_OIDC_PORT || 0), '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${serveur.address().port}`;
  construire();
  console.log(JSON.stringify({ issuer }));
});
setTimeout(() => process.exit(0), DUREE * 1000).unref();
process.on('SIGTERM', () => process.exit(0));
