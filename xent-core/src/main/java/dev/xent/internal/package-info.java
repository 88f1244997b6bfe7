/**
 * Internal: argument checks, shape rules, the cross-entropy operations and their reductions. Not public API; it
 * may change in any release.
 */
package dev.xent.internal;
