/**
 * Durable local state: {@link io.hastack.core.storage.AtomicFiles} replaces a small file so that
 * it is never seen empty or half written. Used by the file quorum device and persistent epoch
 * guards.
 */
package io.hastack.core.storage;
