/**
 * What keeps outsiders out of a cluster: the cluster key every member holds ({@link
 * io.hastack.core.security.ClusterKey}) and the count of what was refused ({@link
 * io.hastack.core.security.Refusals}). See {@code docs/security.md}.
 */
package io.hastack.core.security;
