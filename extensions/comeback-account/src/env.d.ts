// The build-time constant the Shopify CLI defines when it bundles (the app's URL); the bundle
// test defines it the same way (test/support/account-extension.ts).
declare const process: { env: { APP_URL: string } };
