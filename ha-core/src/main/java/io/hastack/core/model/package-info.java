/**
 * The typed, immutable model of a cluster: node and resource identifiers, resource specifications,
 * resource groups, the cluster configuration and the states a resource can be observed in.
 *
 * <p>Everything here is a value: immutable, comparable by value and safe to share between threads.
 * Strings from the outside world are parsed into these types once, at the edge.
 */
package io.hastack.core.model;
