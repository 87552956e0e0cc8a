/** The floating IP address agent. */
package io.hastack.resources.net;
