/** An embedded web server agent, for demos and tests that need a real service with no install. */
package io.hastack.resources.web;
