// A bundler user's whole integration: import, init, track. The collector's URL and write key
// come from the page's query string so the test can point the built app at its collector.
import { createOmni, OmniError } from '@omni-sdk/web';

const params = new URLSearchParams(location.search);
const omni = createOmni();
window.omni = omni;
window.OmniErrorFromPackage = OmniError;
window.tracked = omni.init({ writeKey: params.get('writeKey'), collector: params.get('collector'), page: false })
  .then(() => omni.track('Tracked From Vite App', { bundler: 'vite' }))
  .then((result) => omni.flush().then(() => result));
