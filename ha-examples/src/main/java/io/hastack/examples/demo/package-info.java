/**
 * The two-node demo: {@link io.hastack.examples.demo.TwoNodeDemo} starts two {@link
 * io.hastack.examples.demo.DemoNode} JVMs on loopback, kills the active one and prints the failover
 * timeline. {@link io.hastack.examples.demo.NodeProcess} launches and observes one node JVM, for the
 * demo and the multi-process tests.
 */
package io.hastack.examples.demo;
