// Compiled with `tsc --strict --noEmit` by types.test.mjs: every public call as a storefront's
// TypeScript would make it, against web/types/omni.d.ts. A wrong declaration fails the build.
import { createOmni, OmniError, VERSION, type CallResult, type InitOptions } from '@omni-sdk/web';

const options: InitOptions = {
  writeKey: 'wk_123', collector: 'https://collect.shop.example', hashRoutes: true,
  consent: { required: true, categories: { analytics: true } }, queue: { maxBatchEvents: 50 },
};
const omni = createOmni();
const version: string = VERSION;

async function shop(): Promise<void> {
  await omni.init(options);
  const result: CallResult = await omni.track('Product Added', { product_id: 'p-1', price: 49.9 });
  if (result.queued) {
    const id: string = result.messageId;
    void id;
  } else {
    const reason: string = result.reason;
    void reason;
  }
  await omni.page();
  await omni.page('Docs', 'Install', { section: 'web' });
  await omni.page('Home', { referrer: 'x' });
  await omni.identify('cust_1', { email: 'ada@example.com' });
  await omni.identify({ plan: 'trial' });
  await omni.alias('cust_1');
  await omni.group('org_1', { name: 'Acme' });
  await omni.track('Ad Clicked', {}, { consent: 'marketing', context: { campaign: { name: 'x' } } });
  await omni.consent.set({ marketing: false });
  const consent: Record<string, boolean> = omni.consent.get();
  omni.addMiddleware((event) => (event.event === 'Secret' ? null : { ...event, properties: { ...event.properties, tagged: true } }));
  const off = omni.on('error', (error) => console.warn(error.code, error.message));
  off();
  omni.on('degraded', ({ reason }) => console.info(reason));
  const { anonymousId, userId, traits } = omni.user();
  const status = omni.status();
  const core: 'loading' | 'wasm' | 'lite' = status.core;
  await omni.flush();
  await omni.reset();
  omni.ready((ready) => ready.track('Ready'));
  void [consent, anonymousId, userId, traits, core, version];
}

shop().catch((error: unknown) => {
  if (error instanceof OmniError) console.error(error.code);
});

// The script tag's instance.
window.omni.track('From The Script Tag');
