/**
 * Service checks ({@link io.hastack.core.spi.check.ServiceCheck}) that ask a group's service the
 * way its clients do: {@link io.hastack.resources.check.HttpServiceCheck} for an HTTP URL.
 */
package io.hastack.resources.check;
