/* Recall and precision of every built-in secret rule (data/secret-rules.yaml)
 * through the real scanner (ld_secret_rules_builtin, ld_secret_scan).
 *
 * Each rule has cases of its own: a positive template in the provider's
 * documented token shape, filled at test time with random characters of the
 * right alphabet and length (so no real secret is committed), and a negative
 * near-miss (wrong length, prefix or alphabet, a documentation placeholder or
 * example value, or the right shape where the rule does not apply). The test
 * prints each rule's recall over RECALL_SAMPLES generated positives and fails
 * when a rule misses a positive of its own shape (or names it with another
 * rule), when any rule hits a negative, or when a built-in rule has no
 * positive or no negative case (a new rule must come with both).
 *
 * Template syntax: SECRET_BEGIN / SECRET_END mark where the secret starts
 * and ends; %{c:N} or %{c:N-M} is N (or N..M) random characters of class c
 * (see class_chars); %{?a|b|c} one of the choices; %{U} a UUID, %{W} a JWT,
 * %{K} a Grafana legacy API key, %{S} a Sentry organization token, %{B}
 * base64("user:password"), %{D} a base64 Docker config, %{M} the base64url
 * JSON part of a Mapbox token. The random stream is fixed (seed printed;
 * LD_RECALL_SEED=N overrides it) so a failure replays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checks/secret_rules.h"
#include "checks/secrets.h"

#define RECALL_SAMPLES 25 /* generated positives per case (the brief asks >= 20) */
#define NEGATIVE_SAMPLES 5
#define SAMPLE_MAX 8192

#define SECRET_BEGIN "\x01"
#define SECRET_END "\x02"
#define S SECRET_BEGIN
#define E SECRET_END

typedef struct {
    const char *rule;     /* rule id */
    const char *path;     /* path the sample is scanned as (NULL: DEFAULT_PATH) */
    const char *positive; /* template with one marked secret, or NULL */
    const char *negative; /* near-miss template (no rule may hit), or NULL */
    const char *neg_path; /* path of the negative (NULL: path) */
} recall_case;

#define DEFAULT_PATH "/app/settings.conf"
#define PEM_BODY "MII%{b:61}\n%{b:64}\n%{b:40}=="

static const recall_case cases[] = {
    /* ---- private keys */
    {"private-key-rsa", "/root/.ssh/id_rsa",
     "-----BEGIN RSA PRIVATE KEY-----\n" S PEM_BODY E "\n-----END RSA PRIVATE KEY-----\n",
     "-----BEGIN RSA PRIVATE KEY-----\n%{b:40}\n-----END RSA PRIVATE KEY-----\n", NULL},
    {"private-key-rsa", "/etc/ssl/private/enc.pem",
     "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,%{H:32}\n\n" S
         PEM_BODY E "\n-----END RSA PRIVATE KEY-----\n",
     "-----BEGIN RSA PUBLIC KEY-----\n" PEM_BODY "\n-----END RSA PUBLIC KEY-----\n", NULL},
    {"private-key-ec", "/etc/ssl/private/ec.pem",
     "-----BEGIN EC PRIVATE KEY-----\n" S PEM_BODY E "\n-----END EC PRIVATE KEY-----\n",
     "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n", NULL},
    {"private-key-dsa", "/etc/ssh/dsa.pem",
     "-----BEGIN DSA PRIVATE KEY-----\n" S PEM_BODY E "\n-----END DSA PRIVATE KEY-----\n",
     "-----BEGIN DSA PRIVATE KEY-----\n%{b:30}\n-----END DSA PRIVATE KEY-----\n", NULL},
    {"private-key-openssh", "/root/.ssh/id_ed25519",
     "-----BEGIN OPENSSH PRIVATE KEY-----\n" S "b3BlbnNzaC1rZXktdjEAAAAA%{b:46}\n%{b:70}" E
     "\n-----END OPENSSH PRIVATE KEY-----\n",
     "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI%{b:43} user@host\n", NULL},
    {"private-key-pkcs8", "/app/key.pem",
     "-----BEGIN PRIVATE KEY-----\n" S PEM_BODY E "\n-----END PRIVATE KEY-----\n",
     "-----BEGIN CERTIFICATE-----\n" PEM_BODY "\n-----END CERTIFICATE-----\n", NULL},
    {"private-key-encrypted", "/app/key.pem",
     "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" S PEM_BODY E
     "\n-----END ENCRYPTED PRIVATE KEY-----\n",
     "-----BEGIN ENCRYPTED PRIVATE KEY-----\n%{b:20}\n-----END ENCRYPTED PRIVATE KEY-----\n", NULL},
    {"private-key-pgp", "/root/secret.asc",
     "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n" S "lQ%{b:62}\n%{b:64}" E
     "\n=%{b:4}\n-----END PGP PRIVATE KEY BLOCK-----\n",
     "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQ%{b:62}\n%{b:64}\n-----END PGP PUBLIC KEY "
     "BLOCK-----\n",
     NULL},
    {"private-key-putty", "/root/key.ppk",
     "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: k\nPublic-Lines: 1\n%{b:60}\n"
     "Private-Lines: 2\n" S "%{b:64}\n%{b:40}" E "\nPrivate-MAC: %{h:40}\n",
     "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nPublic-Lines: 1\n%{b:60}\n", NULL},
    {"private-key-other", "/root/key.ssh2",
     "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"k\"\n" S "P2/56w%{b:58}\n%{b:64}" E
     "\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n",
     "-----BEGIN X9.42 DH PRIVATE KEY-----\n%{b:30}\n-----END X9.42 DH PRIVATE KEY-----\n", NULL},
    {"private-key-other", "/app/dh.pem",
     "-----BEGIN X9.42 DH PRIVATE KEY-----\n" S PEM_BODY E "\n-----END X9.42 DH PRIVATE KEY-----\n",
     "-----BEGIN PUBLIC KEY-----\n" PEM_BODY "\n-----END PUBLIC KEY-----\n", NULL},
    {"age-secret-key", "/root/.config/sops/age/keys.txt",
     "# public key: age1%{z:58}\n" S "AGE-SECRET-KEY-1%{Z:58}" E "\n",
     "# public key: age1%{z:58}\nAGE-SECRET-KEY-1%{Z:40}\n", NULL},

    /* ---- clouds */
    {"aws-access-key-id", NULL, "AWS_ACCESS_KEY_ID=" S "AKIA%{2:16}" E "\n",
     "AWS_ACCESS_KEY_ID=AKIA%{2:15}\n", NULL},
    {"aws-access-key-id", NULL, "aws_access_key_id = " S "%{?ASIA|ABIA|ACCA}%{2:16}" E "\n",
     "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", NULL},
    {"aws-secret-access-key", "/root/.aws/credentials",
     "[default]\naws_secret_access_key = " S "%{b:40}" E "\n",
     "[default]\naws_secret_access_key = %{b:39}\n", NULL},
    {"aws-secret-access-key", NULL, "\"SecretAccessKey\": \"" S "%{b:40}" E "\",\n",
     "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", NULL},
    {"aws-session-token", "/root/.aws/credentials",
     "aws_session_token = " S "IQoJb3JpZ2luX2Vj%{b:240}" E "\n", "aws_session_token = %{b:60}\n",
     NULL},
    {"gcp-service-account", "/app/sa.json",
     "{\n  \"type\": \"service_account\",\n  \"project_id\": \"p-%{x:6}\",\n  \"private_key_id\": "
     "\"" S "%{h:40}" E "\",\n  \"client_email\": \"svc@p-%{x:6}.iam.gserviceaccount.com\"\n}\n",
     "{\n  \"type\": \"service_account\",\n  \"private_key_id\": \"%{h:39}\",\n"
     "  \"client_email\": \"svc@p.iam.gserviceaccount.com\"\n}\n",
     NULL},
    {"gcp-api-key", NULL, "GOOGLE_API_KEY=" S "AIza%{u:35}" E "\n", "GOOGLE_API_KEY=AIza%{u:34}\n",
     NULL},
    {"gcp-oauth-client-secret", NULL, "\"client_secret\": \"" S "GOCSPX-%{u:28}" E "\"\n",
     "oauth: GOCSPX-%{u:20}\n", NULL},
    {"gcp-oauth-access-token", NULL, "curl -H 'Authorization: Bearer " S "ya29.%{u:120}" E "'\n",
     "curl -H 'Authorization: Bearer ya29.%{u:20}'\n", NULL},
    {"azure-storage-connection-string", NULL,
     "DefaultEndpointsProtocol=https;AccountName=st%{x:8};AccountKey=" S "%{b:86}==" E
     ";EndpointSuffix=core.windows.net\n",
     "DefaultEndpointsProtocol=https;AccountName=st%{x:8};AccountKey=%{b:60}==;\n", NULL},
    {"azure-sas-token", NULL,
     "url = https://st%{x:8}.blob.core.windows.net/c/f?sv=2022-11-02&ss=b&srt=o&sp=r"
     "&se=2031-01-01T00:00:00Z&spr=https&sig=" S "%{b:43}%3D" E "\n",
     "url = https://st%{x:8}.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig=%{b:20}\n", NULL},
    {"azure-ad-client-secret", NULL, "secret: " S "%{a:3}%{d:1}Q~%{a:34}" E "\n",
     "secret: %{a:3}%{d:1}Q~%{a:20}\n", NULL},
    {"azure-client-secret-assignment", NULL, "AZURE_CLIENT_SECRET=" S "%{a:40}" E "\n",
     "AZURE_CLIENT_SECRET=%{a:20}\n", NULL},
    {"alibaba-access-key-id", NULL, "ALIBABA_CLOUD_ACCESS_KEY_ID=" S "LTAI%{a:20}" E "\n",
     "ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI%{a:19}\n", NULL},
    {"alibaba-access-key-secret", NULL, "ALIBABA_CLOUD_ACCESS_KEY_SECRET=" S "%{a:30}" E "\n",
     "ALIBABA_CLOUD_ACCESS_KEY_SECRET=%{a:29}\n", NULL},
    {"digitalocean-pat", NULL, "DIGITALOCEAN_TOKEN=" S "dop_v1_%{h:64}" E "\n",
     "DIGITALOCEAN_TOKEN=dop_v1_%{h:63}\n", NULL},
    {"digitalocean-oauth-token", NULL, "token=" S "doo_v1_%{h:64}" E "\n", "token=doo_v1_%{h:40}\n",
     NULL},
    {"digitalocean-refresh-token", NULL, "refresh=" S "dor_v1_%{h:64}" E "\n",
     "refresh=dor_v1_%{h:40}\n", NULL},
    {"heroku-api-key", NULL, "HEROKU_API_KEY=" S "%{U}" E "\n", "HEROKU_APP_NAME=%{U}\n", NULL},
    {"heroku-api-key-v2", NULL, "HEROKU_API_KEY=" S "HRKU-%{u:60}" E "\n",
     "HEROKU_API_KEY=HRKU-%{u:40}\n", NULL},
    {"cloudflare-api-key", NULL, "CLOUDFLARE_API_TOKEN=" S "%{u:40}" E "\n",
     "CLOUDFLARE_ZONE_ID=%{h:32}\n", NULL},
    {"cloudflare-api-key", NULL, "CF_API_KEY: " S "%{h:37}" E "\n", "CF_API_KEY: %{h:32}\n", NULL},
    {"cloudflare-origin-ca-key", NULL, "origin_ca_key = \"" S "v1.0-%{h:24}-%{h:146}" E "\"\n",
     "origin_ca_key = \"v1.0-%{h:24}-%{h:60}\"\n", NULL},

    /* ---- forges and registries */
    {"github-pat", NULL, "export GH_TOKEN=" S "ghp_%{a:36}" E "\n", "export GH_TOKEN=ghp_%{a:35}\n",
     NULL},
    {"github-oauth-token", NULL, "oauth_token: " S "gho_%{a:36}" E "\n",
     "oauth_token: gho_%{a:30}\n", NULL},
    {"github-user-to-server-token", NULL, "token=" S "ghu_%{a:36}" E "\n", "token=ghu_%{a:35}\n",
     NULL},
    {"github-server-to-server-token", NULL, "GITHUB_TOKEN=" S "ghs_%{a:36}" E "\n",
     "GITHUB_TOKEN=ghs_%{a:20}\n", NULL},
    {"github-refresh-token", NULL, "refresh_token=" S "ghr_%{a:76}" E "\n",
     "refresh_token=ghr_%{a:30}\n", NULL},
    {"github-fine-grained-pat", NULL, "GH_PAT=" S "github_pat_%{a:22}_%{a:59}" E "\n",
     "GH_PAT=github_pat_%{a:22}_%{a:40}\n", NULL},
    {"gitlab-pat", NULL, "GITLAB_TOKEN=" S "glpat-%{u:20}" E "\n", "GITLAB_TOKEN=glpat-%{u:12}\n",
     NULL},
    {"gitlab-pat", NULL, "GITLAB_TOKEN=" S "glpat-%{u:27}.01.%{x:9}" E "\n",
     "GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx\n", NULL},
    {"gitlab-pipeline-trigger-token", NULL, "TRIGGER=" S "glptt-%{h:40}" E "\n",
     "TRIGGER=glptt-%{h:30}\n", NULL},
    {"gitlab-runner-token", NULL, "token = \"" S "%{?glrt-|GR1348941}%{u:20}" E "\"\n",
     "token = \"glrt-%{u:10}\"\n", NULL},
    {"gitlab-deploy-token", NULL, "DEPLOY_TOKEN=" S "gldt-%{u:20}" E "\n",
     "DEPLOY_TOKEN=gldt-%{u:10}\n", NULL},
    {"gitlab-other-token", NULL,
     "TOKEN=" S "%{?gloas|glcbt|glft|glimt|glagent|glsoat|glffct}-%{u:20-64}" E "\n",
     "TOKEN=glft-%{u:10}\n", NULL},
    {"bitbucket-credential", NULL, "BITBUCKET_APP_PASSWORD=" S "%{a:20}" E "\n",
     "BITBUCKET_USERNAME=%{a:20}\n", NULL},
    {"npm-access-token", NULL, "NPM_TOKEN=" S "npm_%{a:36}" E "\n", "NPM_TOKEN=npm_%{a:35}\n",
     NULL},
    {"pypi-upload-token", NULL, "TWINE_PASSWORD=" S "pypi-AgEIcHlwaS5vcmc%{u:120}" E "\n",
     "TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmc%{u:30}\n", NULL},
    {"dockerhub-pat", NULL,
     "echo " S "dckr_pat_%{u:27}" E " | docker login -u bob --password-stdin\n",
     "echo dckr_pat_%{u:20} | docker login -u bob --password-stdin\n", NULL},
    {"dockerhub-org-access-token", NULL, "DOCKERHUB_TOKEN=" S "dckr_oat_%{u:32}" E "\n",
     "DOCKERHUB_TOKEN=dckr_oat_%{u:16}\n", NULL},
    {"rubygems-api-key", "/root/.gem/credentials",
     "---\n:rubygems_api_key: " S "rubygems_%{h:48}" E "\n",
     "---\n:rubygems_api_key: rubygems_%{h:40}\n", NULL},
    {"nuget-api-key", NULL, "dotnet nuget push p.nupkg -k " S "oy2%{x:43}" E "\n",
     "dotnet nuget push p.nupkg -k oy2%{x:40}\n", NULL},
    {"clojars-token", NULL, "CLOJARS_PASSWORD=" S "CLOJARS_%{x:60}" E "\n",
     "CLOJARS_PASSWORD=CLOJARS_%{x:50}\n", NULL},
    {"private-packagist-token", "/root/.composer/auth.json",
     "{\"http-basic\": {\"repo.packagist.com\": {\"username\": \"token\", \"password\": \"" S
     "packagist_%{?ort|out|uut}_%{h:68}" E "\"}}}\n",
     "{\"http-basic\": {\"repo.packagist.com\": {\"username\": \"token\", \"password\": "
     "\"packagist_ort_%{h:60}\"}}}\n",
     NULL},
    {"crates-io-api-token", "/root/.cargo/credentials.toml",
     "[registry]\ntoken = \"" S "cio%{a:32}" E "\"\n", "[registry]\ntoken = \"cio%{a:31}\"\n",
     NULL},
    {"jfrog-token", NULL, "ARTIFACTORY_API_KEY=" S "AKCp%{a:69}" E "\n",
     "ARTIFACTORY_API_KEY=AKCp%{a:40}\n", NULL},
    {"jfrog-token", NULL, "JFROG_ACCESS_TOKEN=" S "cmVmdGtuOjAx%{a:52}" E "\n",
     "JFROG_ACCESS_TOKEN=cmVmdGtuOjAx%{a:20}\n", NULL},

    /* ---- chat, mail, payments */
    {"slack-token", NULL, "SLACK_BOT_TOKEN=" S "xoxb-%{d:12}-%{d:13}-%{a:24}" E "\n",
     "SLACK_BOT_TOKEN=xoxb-xxxxxxxxxxxx-xxxxxxxxxxxxx\n", NULL},
    {"slack-app-token", NULL, "SLACK_APP_TOKEN=" S "xapp-1-%{X:11}-%{d:13}-%{x:64}" E "\n",
     "SLACK_APP_TOKEN=xapp-1-%{X:11}\n", NULL},
    {"slack-webhook-url", NULL,
     "url: https://hooks.slack.com/services/" S "T%{X:10}/B%{X:10}/%{a:24}" E "\n",
     "url: https://hooks.slack.com/services/T%{X:5}\n", NULL},
    {"teams-webhook-url", NULL,
     "TEAMS_WEBHOOK=https://%{l:8}.webhook.office.com/webhookb2/" S
     "%{U}@%{U}/IncomingWebhook/%{h:32}/%{U}/V2%{u:40}" E "\n",
     "TEAMS_WEBHOOK=https://%{l:8}.webhook.office.com/webhookb2/%{U}@%{U}/IncomingWebhook/%{h:16}/"
     "%{U}\n",
     NULL},
    {"teams-webhook-url", NULL,
     "url = \"https://outlook.office.com/webhook/" S "%{U}@%{U}/IncomingWebhook/%{h:32}/%{U}" E
     "\"\n",
     "url = \"https://outlook.office.com/webhook/%{U}\"\n", NULL},
    {"google-chat-webhook-url", NULL,
     "webhook: https://chat.googleapis.com/v1/spaces/AAAA%{u:7}/messages?key=KEY&token=" S
     "%{u:43}%3D" E "\n",
     "webhook: https://chat.googleapis.com/v1/spaces/AAAA%{u:7}/messages?key=KEY&token=TOKEN\n",
     NULL},
    {"discord-webhook-url", NULL, "https://discord.com/api/webhooks/%{d:18}/" S "%{u:68}" E "\n",
     "https://discord.com/api/webhooks/%{d:18}/%{u:30}\n", NULL},
    {"discord-bot-token", NULL, "DISCORD_TOKEN=" S "M%{u:23}.%{u:6}.%{u:27}" E "\n",
     "DISCORD_TOKEN=M%{u:23}.%{u:6}.%{u:10}\n", NULL},
    {"discord-client-secret", NULL, "DISCORD_CLIENT_SECRET=" S "%{u:32}" E "\n",
     "DISCORD_CLIENT_ID=%{d:18}\n", NULL},
    {"telegram-bot-token", NULL, "bot = Bot(\"" S "%{d:10}:AA%{u:33}" E "\")\n",
     "bot = Bot(\"%{d:10}:AA%{u:20}\")\n", NULL},
    {"twilio-api-key", NULL, "TWILIO_API_KEY=" S "SK%{h:32}" E "\n",
     "TWILIO_ACCOUNT_SID=AC%{h:32}\n", NULL},
    {"twilio-auth-token", NULL, "TWILIO_AUTH_TOKEN=" S "%{h:32}" E "\n",
     "TWILIO_AUTH_TOKEN=%{h:16}\n", NULL},
    {"sendgrid-api-key", NULL, "SENDGRID_API_KEY=" S "SG.%{u:22}.%{u:43}" E "\n",
     "SENDGRID_API_KEY=SG.%{u:22}.%{u:20}\n", NULL},
    {"brevo-api-key", NULL, "BREVO_API_KEY=" S "%{?xkeysib|xsmtpsib}-%{h:64}-%{a:16}" E "\n",
     "BREVO_API_KEY=xkeysib-%{h:64}-%{a:8}\n", NULL},
    {"mailgun-api-key", NULL, "MAILGUN_API_KEY=" S "key-%{h:32}" E "\n",
     "MAILGUN_PUBLIC_KEY=pubkey-%{h:32}\n", NULL},
    {"mailgun-api-key", NULL, "mailgun_signing_key: " S "%{h:32}-%{h:8}-%{h:8}" E "\n",
     "mailgun_domain: mg.%{l:8}.com\n", NULL},
    {"mailchimp-api-key", NULL, "MAILCHIMP_API_KEY=" S "%{h:32}-us%{d:2}" E "\n",
     "MAILCHIMP_API_KEY=%{h:32}\n", NULL},
    {"messagebird-api-key", NULL, "MESSAGEBIRD_ACCESS_KEY=" S "%{a:25}" E "\n",
     "MESSAGEBIRD_ACCESS_KEY=%{a:20}\n", NULL},
    {"stripe-secret-key", NULL, "stripe.api_key = \"" S "sk_live_%{a:24-99}" E "\"\n",
     "STRIPE=sk_live_%{a:10}\n", NULL},
    {"stripe-restricted-key", NULL, "STRIPE_KEY=" S "rk_live_%{a:24-99}" E "\n",
     "STRIPE_KEY=rk_live_%{a:12}\n", NULL},
    {"stripe-test-secret-key", NULL, "STRIPE_SECRET_KEY=" S "%{?sk|rk}_test_%{a:24-99}" E "\n",
     "STRIPE_SECRET_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc\n", NULL},
    {"stripe-webhook-secret", NULL, "STRIPE_WEBHOOK_SECRET=" S "whsec_%{a:32}" E "\n",
     "STRIPE_WEBHOOK_SECRET=whsec_%{a:16}\n", NULL},
    {"square-access-token", NULL, "SQUARE_ACCESS_TOKEN=" S "EAAA%{u:60}" E "\n",
     "SQUARE_ACCESS_TOKEN=EAAA%{u:40}\n", NULL},
    {"square-access-token", NULL, "square_token: " S "sq0atp-%{u:22}" E "\n",
     "square_token: sq0atp-%{u:12}\n", NULL},
    {"square-oauth-secret", NULL, "SQUARE_OAUTH_SECRET=" S "sq0csp-%{u:43}" E "\n",
     "SQUARE_OAUTH_SECRET=sq0csp-%{u:30}\n", NULL},
    {"braintree-access-token", NULL,
     "BRAINTREE_TOKEN=" S "access_token$%{?production|sandbox}$%{x:16}$%{h:32}" E "\n",
     "BRAINTREE_TOKEN=access_token$production$%{x:16}\n", NULL},
    {"shopify-access-token", NULL, "SHOPIFY_TOKEN=" S "%{?shpat|shpca|shppa}_%{h:32}" E "\n",
     "SHOPIFY_TOKEN=shpat_%{h:31}\n", NULL},
    {"shopify-shared-secret", NULL, "SHOPIFY_SECRET=" S "shpss_%{h:32}" E "\n",
     "SHOPIFY_SECRET=shpss_%{h:20}\n", NULL},
    {"easypost-api-key", NULL, "EASYPOST_API_KEY=" S "%{?EZAK|EZTK}%{a:54}" E "\n",
     "EASYPOST_API_KEY=EZAK%{a:40}\n", NULL},
    {"duffel-api-token", NULL, "DUFFEL_TOKEN=" S "duffel_%{?test|live}_%{u:43}" E "\n",
     "DUFFEL_TOKEN=duffel_test_%{u:20}\n", NULL},
    {"shippo-api-token", NULL, "SHIPPO_TOKEN=" S "shippo_%{?live|test}_%{h:40}" E "\n",
     "SHIPPO_TOKEN=shippo_live_%{h:20}\n", NULL},
    {"flutterwave-secret-key", NULL, "FLW_SECRET_KEY=" S "FLWSECK%{?|_TEST}-%{h:32}-X" E "\n",
     "FLW_PUBLIC_KEY=FLWPUBK_TEST-%{h:32}-X\n", NULL},
    {"flutterwave-encryption-key", NULL, "FLW_ENCRYPTION_KEY=" S "FLWSECK_TEST%{h:12}" E "\n",
     "FLW_ENCRYPTION_KEY=FLWSECK_TEST%{h:8}\n", NULL},
    {"gocardless-access-token", NULL,
     "GOCARDLESS_ACCESS_TOKEN=" S "%{?live|sandbox}_%{u:40}" E "\n",
     "GOCARDLESS_ENVIRONMENT=live\n", NULL},
    {"gocardless-access-token", NULL, "client = Client(access_token=\"" S "live_%{u:40}" E "\")\n",
     "gc_token = \"live_%{u:20}\"\n", NULL},
    {"lob-api-key", NULL, "const lob = require('lob')('" S "live_%{h:35}" E "');\n",
     "const lob = require('lob')('live_pub_%{h:31}');\n", NULL},
    {"finicity-credential", NULL, "FINICITY_APP_KEY=" S "%{h:32}" E "\n",
     "FINICITY_PARTNER_ID=%{d:13}\n", NULL},
    {"finicity-credential", NULL, "finicity_secret: " S "%{a:20}" E "\n",
     "finicity_secret: %{a:12}\n", NULL},

    /* ---- operations, monitoring, AI */
    {"vault-service-token", NULL, "VAULT_TOKEN=" S "hvs.%{u:95}" E "\n",
     "VAULT_TOKEN=hvs.%{u:24}\n", NULL},
    {"vault-batch-token", NULL, "VAULT_TOKEN=" S "hvb.%{u:150}" E "\n", "VAULT_TOKEN=hvb.%{u:50}\n",
     NULL},
    {"terraform-cloud-token", "/root/.terraform.d/credentials.tfrc.json",
     "{\"credentials\": {\"app.terraform.io\": {\"token\": \"" S "%{x:14}.atlasv1.%{x:67}" E
     "\"}}}\n",
     "{\"credentials\": {\"app.terraform.io\": {\"token\": \"%{x:14}.atlasv1.%{x:20}\"}}}\n", NULL},
    {"datadog-api-key", NULL, "DD_API_KEY=" S "%{h:32}" E "\n", "DD_API_KEY=%{h:31}\n", NULL},
    {"datadog-app-key", NULL, "DD_APP_KEY=" S "%{h:40}" E "\n", "DD_APP_KEY=%{h:39}\n", NULL},
    {"newrelic-user-api-key", NULL, "NEW_RELIC_API_KEY=" S "NRAK-%{X:27}" E "\n",
     "NEW_RELIC_API_KEY=NRAK-%{X:20}\n", NULL},
    {"newrelic-insert-key", NULL, "NEW_RELIC_INSERT_KEY=" S "NRII-%{u:32}" E "\n",
     "NEW_RELIC_INSERT_KEY=NRII-%{u:20}\n", NULL},
    {"newrelic-browser-key", NULL, "licenseKey: '" S "NRJS-%{h:19}" E "'\n",
     "licenseKey: 'NRJS-%{h:10}'\n", NULL},
    {"newrelic-license-key", NULL, "NEW_RELIC_LICENSE_KEY=" S "%{h:36}NRAL" E "\n",
     "NEW_RELIC_LICENSE_KEY=%{h:30}NRAL\n", NULL},
    {"newrelic-license-key", NULL, "license_key: " S "eu01xx%{h:30}NRAL" E "\n",
     "license_key: eu01xx%{h:20}NRAL\n", NULL},
    {"grafana-cloud-token", NULL, "GRAFANA_CLOUD_TOKEN=" S "glc_%{b:80}" E "\n",
     "GRAFANA_CLOUD_TOKEN=glc_%{a:20}\n", NULL},
    {"grafana-service-account-token", NULL, "GRAFANA_TOKEN=" S "glsa_%{a:32}_%{h:8}" E "\n",
     "GRAFANA_TOKEN=glsa_%{a:32}\n", NULL},
    {"grafana-api-key", NULL, "GRAFANA_API_KEY=" S "%{K}" E "\n",
     "GRAFANA_API_KEY=eyJrIjoi%{a:20}\n", NULL},
    {"sentry-user-token", NULL, "SENTRY_AUTH_TOKEN=" S "sntryu_%{h:64}" E "\n",
     "SENTRY_AUTH_TOKEN=sntryu_%{h:40}\n", NULL},
    {"sentry-org-token", NULL, "SENTRY_AUTH_TOKEN=" S "%{S}" E "\n",
     "SENTRY_AUTH_TOKEN=sntrys_eyJ%{b:20}_%{b:43}\n", NULL},
    {"dynatrace-api-token", NULL, "DT_API_TOKEN=" S "dt0c01.%{X:24}.%{X:64}" E "\n",
     "DT_API_TOKEN=dt0c01.%{X:24}.%{X:30}\n", NULL},
    {"openai-api-key", NULL,
     "OPENAI_API_KEY=" S "sk-%{?proj-|svcacct-|}%{u:40}T3BlbkFJ%{u:40}" E "\n",
     "OPENAI_API_KEY=sk-%{a:48}\n", NULL},
    {"anthropic-api-key", NULL, "ANTHROPIC_API_KEY=" S "sk-ant-api03-%{u:95}" E "\n",
     "ANTHROPIC_API_KEY=sk-ant-api03-%{u:40}\n", NULL},
    {"huggingface-token", NULL, "HF_TOKEN=" S "hf_%{a:34-40}" E "\n", "HF_TOKEN=hf_%{l:34}\n",
     NULL},
    {"huggingface-org-token", NULL, "HF_ORG_TOKEN=" S "api_org_%{m:34}" E "\n",
     "HF_ORG_TOKEN=api_org_%{m:20}\n", NULL},
    {"atlassian-api-token", NULL, "JIRA_TOKEN=" S "ATATT3%{u:186}" E "\n",
     "JIRA_TOKEN=ATATT3%{u:100}\n", NULL},
    {"atlassian-api-token-legacy", NULL, "JIRA_API_TOKEN=" S "%{a:24}" E "\n",
     "JIRA_URL=https://%{l:6}.atlassian.net\n", NULL},
    {"databricks-token", NULL, "DATABRICKS_TOKEN=" S "dapi%{h:32}%{?|-2}" E "\n",
     "DATABRICKS_TOKEN=dapi%{h:20}\n", NULL},
    {"pulumi-access-token", NULL, "PULUMI_ACCESS_TOKEN=" S "pul-%{h:40}" E "\n",
     "PULUMI_ACCESS_TOKEN=pul-%{h:30}\n", NULL},
    {"doppler-token", NULL, "DOPPLER_TOKEN=" S "dp.%{?pt|ct|sa|scim|audit}.%{a:43}" E "\n",
     "DOPPLER_TOKEN=dp.pt.%{a:20}\n", NULL},
    {"doppler-token", NULL, "DOPPLER_TOKEN=" S "dp.st.%{?dev|prd|stg}.%{a:40}" E "\n",
     "DOPPLER_TOKEN=dp.st.dev\n", NULL},
    {"planetscale-token", NULL, "PLANETSCALE_TOKEN=" S "pscale_%{?tkn|pw}_%{u:43}" E "\n",
     "PLANETSCALE_TOKEN=pscale_tkn_%{a:16}\n", NULL},
    {"flyio-token", NULL, "FLY_API_TOKEN=" S "fo1_%{u:43}" E "\n", "FLY_API_TOKEN=fo1_%{u:20}\n",
     NULL},
    {"linear-api-key", NULL, "LINEAR_API_KEY=" S "lin_api_%{a:40}" E "\n",
     "LINEAR_API_KEY=lin_api_%{a:30}\n", NULL},
    {"linear-client-secret", NULL, "LINEAR_CLIENT_SECRET=" S "%{h:32}" E "\n",
     "LINEAR_CLIENT_ID=%{h:32}\n", NULL},
    {"postman-api-key", NULL, "POSTMAN_API_KEY=" S "PMAK-%{h:24}-%{h:34}" E "\n",
     "POSTMAN_API_KEY=PMAK-%{h:24}\n", NULL},
    {"jwt", NULL, NULL, "session=eyJ%{u:30}.eyJ%{u:40}.%{u:43}\n", NULL},
    {"jwt", NULL, "Authorization: Bearer " S "%{W}" E "\n",
     "Authorization: Bearer eyJ%{u:5}.eyJ%{u:5}.%{u:5}\n", NULL},
    {"jwt", "/app/session.json", "{\"id_token\": \"" S "%{W}" E "\"}\n",
     ">>> print(encoded)\n%{W}\n", "/usr/lib/python3/dist-packages/pkg-1.0.dist-info/METADATA"},

    /* ---- SaaS APIs */
    {"adobe-client-secret", NULL, "ADOBE_CLIENT_SECRET=" S "p8e-%{u:32}" E "\n",
     "ADOBE_CLIENT_SECRET=p8e-%{u:20}\n", NULL},
    {"asana-token", NULL, "ASANA_ACCESS_TOKEN=" S "%{?1|2}/%{d:16}:%{h:32}" E "\n",
     "ASANA_WORKSPACE_ID=%{d:16}\n", NULL},
    {"asana-token", NULL, "asana_client_secret: " S "%{x:32}" E "\n",
     "asana_client_secret: %{x:20}\n", NULL},
    {"beamer-api-token", NULL, "BEAMER_API_KEY=" S "b_%{u:44}" E "\n", "BEAMER_PRODUCT_ID=%{a:8}\n",
     NULL},
    {"contentful-pat", NULL, "CONTENTFUL_MANAGEMENT_TOKEN=" S "CFPAT-%{u:43}" E "\n",
     "CONTENTFUL_MANAGEMENT_TOKEN=CFPAT-%{u:20}\n", NULL},
    {"contentful-delivery-token", NULL, "CONTENTFUL_ACCESS_TOKEN=" S "%{u:43}" E "\n",
     "CONTENTFUL_SPACE_ID=%{x:12}\n", NULL},
    {"dropbox-app-secret", NULL, "DROPBOX_APP_SECRET=" S "%{x:15}" E "\n",
     "DROPBOX_APP_SECRET=%{x:10}\n", NULL},
    {"dropbox-access-token", NULL, "DROPBOX_ACCESS_TOKEN=" S "sl.%{u:140}" E "\n",
     "DROPBOX_ACCESS_TOKEN=sl.%{u:40}\n", NULL},
    {"dropbox-access-token", NULL, "dropbox_token = '" S "%{a:11}AAAAAAAAAA%{u:43}" E "'\n",
     "dropbox_token = '%{a:11}AAAAAAAAAA%{u:20}'\n", NULL},
    {"facebook-app-secret", NULL, "FACEBOOK_APP_SECRET=" S "%{h:32}" E "\n",
     "FACEBOOK_APP_ID=%{d:15}\n", NULL},
    {"facebook-access-token", NULL, "fb_token = \"" S "EAA%{a:150}" E "\"\n",
     "fb_token = \"EAA%{a:50}\"\n", NULL},
    {"fastly-api-token", NULL, "FASTLY_API_TOKEN=" S "%{u:32}" E "\n",
     "FASTLY_SERVICE_ID=%{a:22}\n", NULL},
    {"frameio-api-token", NULL, "FRAMEIO_TOKEN=" S "fio-u-%{u:64}" E "\n",
     "FRAMEIO_TOKEN=fio-u-%{u:30}\n", NULL},
    {"hubspot-private-app-token", NULL,
     "HUBSPOT_ACCESS_TOKEN=" S "pat-%{?na1|na2|eu1|ap1}-%{U}" E "\n",
     "HUBSPOT_ACCESS_TOKEN=pat-na1-%{h:8}\n", NULL},
    {"hubspot-api-key", NULL, "HUBSPOT_API_KEY=" S "%{U}" E "\n", "HUBSPOT_FORM_ID=%{U}\n", NULL},
    {"intercom-access-token", NULL, "INTERCOM_ACCESS_TOKEN=" S "dG9rOj%{a:53}=" E "\n",
     "INTERCOM_APP_ID=%{x:8}\n", NULL},
    {"intercom-access-token", NULL, "intercom_client_secret: " S "%{U}" E "\n",
     "intercom_client_id: %{U}\n", NULL},
    {"ionic-api-token", NULL, "IONIC_TOKEN=" S "ion_%{a:42}" E "\n", "IONIC_TOKEN=ion_%{a:20}\n",
     NULL},
    {"linkedin-client-secret", NULL, "LINKEDIN_CLIENT_SECRET=" S "%{a:16}" E "\n",
     "LINKEDIN_CLIENT_ID=%{x:14}\n", NULL},
    {"linkedin-client-secret", NULL, "linkedin_client_secret: " S "WPL_AP1.%{a:16}.%{b:6}==" E "\n",
     "linkedin_client_secret: WPL_AP1.%{a:4}\n", NULL},
    {"mapbox-secret-token", NULL, "MAPBOX_TOKEN=" S "%{?sk|tk}.%{M}.%{u:22}" E "\n",
     "MAPBOX_TOKEN=pk.%{M}.%{u:22}\n", NULL},
    {"twitch-api-token", NULL, "TWITCH_CLIENT_SECRET=" S "%{x:30}" E "\n",
     "TWITCH_CLIENT_ID=%{x:20}\n", NULL},
    {"twitter-bearer-token", NULL,
     "TWITTER_BEARER_TOKEN=" S "AAAAAAAAAAAAAAAAAAAAA%{a:4}AAAAAAAA%{a:60}%2B%{a:20}%3D%{a:40}" E
     "\n",
     "TWITTER_BEARER_TOKEN=AAAAAAAAAAAAAAAAAAAAA\n", NULL},
    {"twitter-api-secret", NULL, "TWITTER_API_SECRET=" S "%{a:50}" E "\n",
     "TWITTER_HANDLE=%{l:10}\n", NULL},
    {"twitter-api-secret", NULL, "TWITTER_ACCESS_TOKEN=" S "%{d:19}-%{a:40}" E "\n",
     "TWITTER_ACCESS_TOKEN=%{d:19}\n", NULL},
    {"typeform-pat", NULL, "TYPEFORM_TOKEN=" S "tfp_%{u:44}_%{u:14}" E "\n",
     "TYPEFORM_TOKEN=tfp_%{u:20}\n", NULL},

    /* ---- configuration files */
    {"docker-config-auth", "/root/.docker/config.json",
     "{\n  \"auths\": {\n    \"registry.%{l:6}.io\": {\n      \"auth\": \"" S "%{B}" E
     "\"\n    }\n  }\n}\n",
     "{\n  \"credsStore\": \"desktop\",\n  \"auths\": {\n    \"registry.%{l:6}.io\": {}\n  }\n}\n",
     NULL},
    {"docker-config-auths", "/app/.gitlab-ci.yml",
     "variables:\n  DOCKER_AUTH_CONFIG: '{\"auths\": {\"registry.%{l:6}.io\": {\"auth\": \"" S
     "%{B}" E "\"}}}'\n",
     "variables:\n  DOCKER_AUTH_CONFIG: '{\"auths\": {\"registry.%{l:6}.io\": {\"auth\": "
     "\"%{b:4}\"}}}'\n",
     NULL},
    {"docker-config-auths", "/app/env.json",
     "{\"DOCKER_AUTH_CONFIG\": \"{\\\"auths\\\":{\\\"r.%{l:6}.io\\\":{\\\"auth\\\":\\\"" S "%{B}" E
     "\\\"}}}\"}\n",
     "{\"DOCKER_AUTH_CONFIG\": \"$DOCKER_AUTH_CONFIG\"}\n", NULL},
    {"docker-config-secret", "/app/k8s/pull-secret.yaml",
     "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  "
     ".dockerconfigjson: " S "%{D}" E "\n",
     "apiVersion: v1\nkind: Secret\ndata:\n  .dockerconfigjson: {{ .Values.pullSecret }}\n", NULL},
    {"npmrc-auth-token", "/root/.npmrc", "//npm.%{l:6}.io/:_authToken=" S "%{U}" E "\n",
     "//npm.%{l:6}.io/:_authToken=${NPM_TOKEN}\n", NULL},
    {"npmrc-auth", "/root/.npmrc", "registry=https://npm.%{l:6}.io/\n_auth=" S "%{B}" E "\n",
     "registry=https://npm.%{l:6}.io/\n_auth=${NPM_AUTH}\n", NULL},
    {"pypirc-password", "/root/.pypirc", "[pypi]\nusername = bob\npassword = " S "%{a:16}" E "\n",
     "[pypi]\nusername = bob\npassword = ${PYPI_PASSWORD}\n", NULL},
    {"netrc-password", "/root/.netrc",
     "machine api.%{l:6}.io login bob password " S "%{a:12}" E "\n",
     "machine api.%{l:6}.io login bob password %{a:12}\n", "/app/notes.txt"},
    {"kubeconfig-client-key", "/root/.kube/config",
     "users:\n- name: admin\n  user:\n    client-key-data: " S "%{b:120}" E "\n",
     "users:\n- name: admin\n  user:\n    client-key-data: %{b:20}\n", NULL},
    {"kubeconfig-token", "/root/.kube/config",
     "users:\n- name: sa\n  user:\n    token: " S "%{u:40}" E "\n",
     "users:\n- name: sa\n  user:\n    token: %{u:40}\n", "/app/values.yaml"},
    {"git-credentials", "/root/.git-credentials", "https://bob:" S "%{a:20}" E "@git.%{l:6}.io\n",
     "https://bob@git.%{l:6}.io\n", NULL},
    {"htpasswd-plaintext", "/etc/nginx/.htpasswd", "bob:" S "{PLAIN}%{a:12}" E "\n",
     "bob:$apr1$%{a:8}$%{b:22}\n", NULL},

    /* ---- passwords in URLs, connection strings and assignments */
    {"url-password", NULL, "DATABASE_URL=postgres://app:" S "%{a:16}" E "@db.internal:5432/app\n",
     "DATABASE_URL=postgres://user:password@localhost/db\n", NULL},
    {"jdbc-password", NULL, "url=jdbc:mysql://db:3306/app?user=app&password=" S "%{a:12}" E "\n",
     "url=jdbc:mysql://db:3306/app?user=app\n", NULL},
    {"connection-string-password", NULL,
     "ConnectionStrings__Db=Server=db.%{l:6}.local;Database=app;User Id=sa;Password=" S "%{a:14}" E
     ";\n",
     "ConnectionStrings__Db=Server=db;Database=app;Integrated Security=true;\n", NULL},
    {"password-assignment", NULL, "db_password = \"" S "%{p:20}" E "\"\n",
     "    AttributeOID.CHALLENGE_PASSWORD: \"challengePassword\",\n", NULL},
    {"password-assignment", NULL, "\"password\": \"" S "%{p:20}" E "\",\n",
     "PASSWORD=\"changeme\"\n", NULL},
    {"secret-assignment", NULL, "api_key: \"" S "%{a:32}" E "\"\n",
     "        {\n            \"access_token\":\"2YotnFZFEjr1zCsicMWpAA\",\n"
     "            \"refresh_token\":\"tGzv3JOkF0XG5Qx2TlKWIA\",\n",
     NULL},
};
#undef S
#undef E

/* ---- generation ---- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    /* xorshift64*: a fixed, portable stream, so a failing seed replays */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static size_t rng_below(size_t n)
{
    return (size_t)(rng_next() % n);
}

static const char *class_chars(char c)
{
    switch (c) {
    case 'a': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    case 'm': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    case 'l': return "abcdefghijklmnopqrstuvwxyz";
    case 'L': return "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    case 'd': return "0123456789";
    case 'h': return "0123456789abcdef";
    case 'H': return "0123456789ABCDEF";
    case 'x': return "abcdefghijklmnopqrstuvwxyz0123456789";
    case 'X': return "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    case 'u': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    case 'b': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    case '2': return "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"; /* base32 */
    case 'z': return "qpzry9x8gf2tvdw0s3jn54khce6mua7l"; /* bech32 */
    case 'Z': return "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"; /* bech32, upper */
    case 'p': return "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#&*+,.?@^_~-";
    default: return NULL;
    }
}

typedef struct {
    char v[SAMPLE_MAX];
    size_t n;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    assert_true(b->n + n < sizeof(b->v));
    memcpy(b->v + b->n, s, n);
    b->n += n;
    b->v[b->n] = '\0';
}

static void put_str(sbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void put_random(sbuf *b, char cls, size_t n)
{
    const char *alpha = class_chars(cls);
    assert_non_null(alpha);
    size_t k = strlen(alpha);
    for (size_t i = 0; i < n; i++)
        put(b, &alpha[rng_below(k)], 1);
}

static void put_base64(sbuf *b, const char *s, size_t n, bool url)
{
    const char *alpha = url ? class_chars('u') : class_chars('b');
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)s[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)(unsigned char)s[i + 1] << 8;
        if (i + 2 < n)
            v |= (uint32_t)(unsigned char)s[i + 2];
        char out[4] = {alpha[(v >> 18) & 63], alpha[(v >> 12) & 63], alpha[(v >> 6) & 63],
                       alpha[v & 63]};
        size_t keep = i + 2 < n ? 4 : i + 1 < n ? 3 : 2;
        put(b, out, keep);
        if (!url)
            for (size_t p = keep; p < 4; p++)
                put(b, "=", 1);
    }
}

/* Builds text in tmp, then appends its base64 (url alphabet, no padding,
 * when url) to b. */
static void put_base64_of(sbuf *b, const sbuf *tmp, bool url)
{
    put_base64(b, tmp->v, tmp->n, url);
}

static void expand(const char *t, sbuf *out, size_t *sec_start, size_t *sec_end);

static void put_special(sbuf *b, char kind)
{
    sbuf tmp = {.n = 0};
    switch (kind) {
    case 'U':
        put_random(b, 'h', 8);
        put_str(b, "-");
        put_random(b, 'h', 4);
        put_str(b, "-4"); /* version 4 */
        put_random(b, 'h', 3);
        put_str(b, "-a"); /* variant */
        put_random(b, 'h', 3);
        put_str(b, "-");
        put_random(b, 'h', 12);
        break;
    case 'W': /* header.payload.signature, each base64url of real JSON */
        expand("{\"alg\":\"%{?HS256|RS256|ES256}\",\"typ\":\"JWT\"}", &tmp, NULL, NULL);
        put_base64_of(b, &tmp, true);
        put_str(b, ".");
        tmp.n = 0;
        expand("{\"sub\":\"%{a:12}\",\"iat\":1%{d:9},\"scope\":\"%{l:6}\"}", &tmp, NULL, NULL);
        put_base64_of(b, &tmp, true);
        put_str(b, ".");
        put_random(b, 'u', 43);
        break;
    case 'K': /* Grafana legacy API key: base64 of {"k":...,"n":...,"id":...} */
        expand("{\"k\":\"%{a:32}\",\"n\":\"%{l:8}\",\"id\":%{d:1-3}}", &tmp, NULL, NULL);
        put_base64_of(b, &tmp, false);
        break;
    case 'S': /* Sentry organization token */
        put_str(b, "sntrys_");
        expand("{\"iat\":1%{d:9}.%{d:6},\"url\":\"https://sentry.io\","
               "\"region_url\":\"https://us.sentry.io\",\"org\":\"%{l:8}\"}",
               &tmp, NULL, NULL);
        put_base64_of(b, &tmp, false);
        put_str(b, "_");
        put_random(b, 'b', 43);
        break;
    case 'B': /* base64("user:password") */
        expand("%{l:6}:%{a:16}", &tmp, NULL, NULL);
        put_base64_of(b, &tmp, false);
        break;
    case 'D': { /* base64 of a Docker config.json */
        sbuf auth = {.n = 0};
        put_special(&auth, 'B');
        expand("{\"auths\":{\"registry.%{l:6}.io\":{\"auth\":\"", &tmp, NULL, NULL);
        put_str(&tmp, auth.v);
        put_str(&tmp, "\"}}}");
        put_base64_of(b, &tmp, false);
        break;
    }
    case 'M': /* Mapbox: base64url of {"u":"user","a":"..."} */
        expand("{\"u\":\"%{l:8}\",\"a\":\"%{a:25}\"}", &tmp, NULL, NULL);
        put_base64_of(b, &tmp, true);
        break;
    default: fail_msg("unknown generator %%{%c}", kind);
    }
}

static size_t parse_count(const char **p)
{
    char *end = NULL;
    unsigned long v = strtoul(*p, &end, 10);
    assert_true(end != *p && v < SAMPLE_MAX);
    *p = end;
    return (size_t)v;
}

/* Expands template t into out; the secret markers set *sec_start and
 * *sec_end (when not NULL) and are not copied. */
static void expand(const char *t, sbuf *out, size_t *sec_start, size_t *sec_end)
{
    for (const char *p = t; *p;) {
        if (*p == SECRET_BEGIN[0] || *p == SECRET_END[0]) {
            size_t *where = *p == SECRET_BEGIN[0] ? sec_start : sec_end;
            assert_non_null(where);
            *where = out->n;
            p++;
            continue;
        }
        if (p[0] != '%' || p[1] != '{') {
            put(out, p, 1);
            p++;
            continue;
        }
        p += 2;
        const char *close = strchr(p, '}');
        assert_non_null(close);
        if (*p == '?') { /* %{?a|b|c} */
            const char *choices[16];
            size_t lens[16], n = 0;
            const char *c = p + 1;
            for (;;) {
                const char *bar = memchr(c, '|', (size_t)(close - c));
                assert_true(n < 16);
                choices[n] = c;
                lens[n++] = (size_t)((bar ? bar : close) - c);
                if (!bar)
                    break;
                c = bar + 1;
            }
            size_t pick = rng_below(n);
            put(out, choices[pick], lens[pick]);
        } else if (p[1] == '}') {
            put_special(out, p[0]);
        } else {
            char cls = p[0];
            assert_true(p[1] == ':');
            const char *q = p + 2;
            size_t lo = parse_count(&q), hi = lo;
            if (*q == '-') {
                q++;
                hi = parse_count(&q);
            }
            assert_true(q == close && hi >= lo);
            put_random(out, cls, lo + rng_below(hi - lo + 1));
        }
        p = close + 1;
    }
}

/* ---- checks ---- */

static const ld_secret_ruleset *rules;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    rules = ld_secret_rules_builtin(&err);
    if (!rules) {
        fprintf(stderr, "built-in rules: %s\n", err.msg);
        return -1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* the recall table and stderr notes interleave in order */
    const char *seed = getenv("LD_RECALL_SEED");
    rng_state = seed && *seed ? strtoull(seed, NULL, 10) : 0x5eed5ec7e75ULL;
    if (rng_state == 0)
        rng_state = 1;
    printf("# secret recall: seed %llu, %d positives per case\n", (unsigned long long)rng_state,
           RECALL_SAMPLES);
    return 0;
}

static ld_secret_hits scan_text(const char *path, const sbuf *text)
{
    ld_secret_hits h = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_secret_scan(rules, path, (const uint8_t *)text->v, text->n, &h, &err), 0);
    assert_int_equal(h.incomplete, 0);
    return h;
}

static bool known_rule(const char *id)
{
    for (size_t i = 0; i < rules->n_rules; i++)
        if (strcmp(rules->rules[i].id, id) == 0)
            return true;
    return false;
}

/* Every built-in rule has a positive and a negative case, and every case
 * names a built-in rule. */
static void test_every_rule_has_cases(void **state)
{
    (void)state;
    size_t missing = 0;
    for (size_t i = 0; i < rules->n_rules; i++) {
        bool pos = false, neg = false;
        for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
            if (strcmp(cases[c].rule, rules->rules[i].id) == 0) {
                pos = pos || cases[c].positive;
                neg = neg || cases[c].negative;
            }
        if (!pos || !neg) {
            fprintf(stderr, "  rule %s has no %s case\n", rules->rules[i].id,
                    !pos ? "positive" : "negative");
            missing++;
        }
    }
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
        if (!known_rule(cases[c].rule)) {
            fprintf(stderr, "  case %zu names no built-in rule: %s\n", c, cases[c].rule);
            missing++;
        }
    assert_int_equal(missing, 0);
    assert_true(rules->n_rules >= 150);
}

/* One generated positive: the rule must report a hit at the secret's
 * offset, named by itself, with a mask that does not hold the secret. */
static bool positive_found(const recall_case *c, char *why, size_t why_size)
{
    sbuf text = {.n = 0};
    size_t s0 = SIZE_MAX, s1 = SIZE_MAX;
    expand(c->positive, &text, &s0, &s1);
    assert_true(s0 != SIZE_MAX && s1 != SIZE_MAX && s1 > s0);
    const char *path = c->path ? c->path : DEFAULT_PATH;
    ld_secret_hits h = scan_text(path, &text);
    bool found = false;
    const ld_secret_hit *other = NULL;
    for (size_t i = 0; i < h.n; i++) {
        if (h.v[i].offset != s0)
            continue;
        if (strcmp(h.v[i].rule_id, c->rule) != 0) {
            other = &h.v[i];
            continue;
        }
        found = true;
        size_t n = s1 - s0;
        /* the mask shows at most 4 characters, never the secret */
        if (n >= 8 && memmem(h.v[i].masked, strlen(h.v[i].masked), text.v + s0, n))
            fail_msg("%s: the mask \"%s\" holds the secret", c->rule, h.v[i].masked);
        if (n >= 16 && memcmp(h.v[i].masked, text.v + s0, 4) != 0)
            fail_msg("%s: the mask \"%s\" does not start with the secret", c->rule, h.v[i].masked);
    }
    if (!found)
        snprintf(why, why_size, "%s in %s%s%s: %.*s", other ? "named by another rule" : "missed",
                 path, other ? " as " : "", other ? other->rule_id : "",
                 (int)(text.n > 300 ? 300 : text.n), text.v);
    ld_secret_hits_clear(&h);
    return found;
}

static void test_recall(void **state)
{
    (void)state;
    size_t failed_rules = 0, total = 0, total_found = 0;
    printf("# %-34s %s\n", "rule", "recall (found/generated)");
    for (size_t i = 0; i < rules->n_rules; i++) {
        const char *id = rules->rules[i].id;
        size_t found = 0, generated = 0;
        char why[600] = "";
        for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
            if (strcmp(cases[c].rule, id) != 0 || !cases[c].positive)
                continue;
            for (int k = 0; k < RECALL_SAMPLES; k++) {
                char w[600];
                generated++;
                if (positive_found(&cases[c], w, sizeof(w)))
                    found++;
                else if (!why[0])
                    memcpy(why, w, sizeof(why));
            }
        }
        printf("# %-34s %3zu/%-3zu %5.1f%%\n", id, found, generated,
               generated ? 100.0 * (double)found / (double)generated : 0.0);
        if (generated == 0 || found != generated) {
            failed_rules++;
            if (why[0])
                fprintf(stderr, "  %s: first miss %s\n", id, why);
        }
        total += generated;
        total_found += found;
    }
    printf("# all rules: %zu/%zu positives found (%.2f%%), %zu rule%s below 100%%\n", total_found,
           total, total ? 100.0 * (double)total_found / (double)total : 0.0, failed_rules,
           failed_rules == 1 ? "" : "s");
    assert_int_equal(failed_rules, 0);
}

static void test_negatives(void **state)
{
    (void)state;
    size_t bad = 0;
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        if (!cases[c].negative)
            continue;
        const char *path = cases[c].neg_path ? cases[c].neg_path
                           : cases[c].path   ? cases[c].path
                                             : DEFAULT_PATH;
        for (int k = 0; k < NEGATIVE_SAMPLES; k++) {
            sbuf text = {.n = 0};
            expand(cases[c].negative, &text, NULL, NULL);
            ld_secret_hits h = scan_text(path, &text);
            for (size_t i = 0; i < h.n; i++) {
                fprintf(stderr, "  negative of %s hit by %s (line %d, %s) in %s: %s", cases[c].rule,
                        h.v[i].rule_id, h.v[i].line, h.v[i].masked, path, text.v);
                bad++;
            }
            ld_secret_hits_clear(&h);
        }
    }
    assert_int_equal(bad, 0);
}

/* The generators themselves: a template's marked secret is where the text
 * says, and the same seed gives the same text (failures replay). */
static void test_generator(void **state)
{
    (void)state;
    uint64_t saved = rng_state;
    sbuf a = {.n = 0}, b = {.n = 0};
    size_t s0 = 0, s1 = 0;
    rng_state = 42;
    expand("x=" SECRET_BEGIN "ghp_%{a:36}" SECRET_END ";%{?p|q}%{B}", &a, &s0, &s1);
    assert_int_equal(s0, 2);
    assert_int_equal(s1, 2 + 4 + 36);
    assert_memory_equal(a.v + 2, "ghp_", 4);
    rng_state = 42;
    expand("x=" SECRET_BEGIN "ghp_%{a:36}" SECRET_END ";%{?p|q}%{B}", &b, &s0, &s1);
    assert_string_equal(a.v, b.v);
    sbuf c = {.n = 0};
    put_base64(&c, "user:pass", 9, false);
    assert_string_equal(c.v, "dXNlcjpwYXNz");
    rng_state = saved;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generator),
        cmocka_unit_test(test_every_rule_has_cases),
        cmocka_unit_test(test_recall),
        cmocka_unit_test(test_negatives),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
