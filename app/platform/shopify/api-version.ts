// The Admin API version the app speaks (shopify.app.toml's webhooks api_version too), and the
// schema of that version that the operations are typed and tested against.
export const ADMIN_API_VERSION = "2026-10";
export const ADMIN_SCHEMA_FILE = `app/platform/shopify/admin-${ADMIN_API_VERSION}.graphql`;
