/** The command line of the what-if simulator: {@link io.hastack.examples.simulate.Simulate}. */
package io.hastack.examples.simulate;
