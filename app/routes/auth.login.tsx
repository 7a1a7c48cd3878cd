import { useState } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider as PolarisAppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { readFormData } from "../platform/http/body.server";
import { loginShop } from "../platform/http/shop-domain";
import { login } from "../shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

const MISSING_SHOP = "Enter your shop domain to log in";
const INVALID_SHOP = "Enter a valid shop domain, like my-shop.myshopify.com";

/**
 * Sends a shop on to Shopify's install page; anything else shows the form again, with a 400 when
 * the shop is missing from a post or is no `<name>.myshopify.com` (a bare name is completed, as
 * the Shopify library does). A form post is read with the admin's byte cap.
 */
async function answerLogin(request: Request) {
  const url = new URL(request.url);
  const form = request.method === "POST" ? await readFormData(request) : null;
  const input = url.searchParams.get("shop") ?? form?.get("shop") ?? null;
  if (input === null && !form) return { error: undefined };
  const shop = typeof input === "string" && input.trim() ? loginShop(input) : null;
  if (!shop) return data({ error: input ? INVALID_SHOP : MISSING_SHOP }, { status: 400 });
  // For a shop domain, the library throws its redirect to the install page.
  await login(new Request(`${url.origin}/auth/login?shop=${shop}`));
  return { error: undefined };
}

export const loader = ({ request }: LoaderFunctionArgs) => answerLogin(request);
export const action = ({ request }: ActionFunctionArgs) => answerLogin(request);

export default function Login() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const error = actionData?.error ?? loaderData.error;
  return (
    <PolarisAppProvider i18n={polarisTranslations}>
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h1">
                Log in to Comeback
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={error}
              />
              <Button submit>Log in</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </PolarisAppProvider>
  );
}
