/**
 * Test support shared by every module's tests, depending on no HA Stack module (so that
 * {@code ha-core}'s own tests can use it): {@link io.hastack.testsupport.Prerequisites} for tests
 * that need root, a binary or a Debian package, and {@link io.hastack.testsupport.SkipReport},
 * which lists at the end of each test run what was skipped and why.
 */
package io.hastack.testsupport;
