// The consent gate. Every event belongs to a category ("analytics" unless the call says
// otherwise, e.g. { consent: 'marketing' }). A category is granted, denied or undecided.
// With `required: true`, events of an undecided category wait in memory only (nothing is stored
// or sent, no cookie is written) until consent.set() decides; granted ones are then queued with
// their original time, denied ones are dropped. Without `required`, undecided counts as granted.
// Global Privacy Control (navigator.globalPrivacyControl) denies "marketing" and "advertising"
// unless the page sets them explicitly.
export const GPC_DENIED = ['marketing', 'advertising'];

export class ConsentGate {
  constructor({ required = false, categories = {} } = {}, nav = globalThis.navigator) {
    this.required = required;
    this.state = {};
    if (nav && nav.globalPrivacyControl === true) GPC_DENIED.forEach((c) => { this.state[c] = false; });
    Object.assign(this.state, categories);
  }

  // true (send), false (drop) or undefined (hold until decided).
  decide(category) {
    const value = this.state[category];
    if (value === true || value === false) return value;
    return this.required ? undefined : true;
  }

  set(categories) {
    for (const [name, value] of Object.entries(categories)) {
      if (typeof value === 'boolean') this.state[name] = value;
    }
  }

  get() { return { ...this.state }; }
}
