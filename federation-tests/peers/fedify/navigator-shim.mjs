// Fedify 2.x targets Node >= 22, where `navigator` is a global.  On Node 20 a
// bare reference to it throws a ReferenceError, so define a minimal stand-in.
// This module has no imports and must be imported before any Fedify module.
globalThis.navigator ??= { userAgent: "node" };
