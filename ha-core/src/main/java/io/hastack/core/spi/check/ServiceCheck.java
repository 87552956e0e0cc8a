package io.hastack.core.spi.check;

import java.time.Duration;

/**
 * Whether a group's service answers its clients: asked over and over, off the node's thread, after
 * the group's last resource started on this node, until it answers or a window ends. A check only
 * observes: its answer is recorded ({@code SERVICE_ANSWERING}) and changes no decision of the node
 * (a resource's health is its agent's monitor).
 */
public interface ServiceCheck {
    /** What is checked, for events and logs: a URL, a host and port. */
    String target();

    /**
     * Whether the service answers now. Should return within {@code timeout}; an exception counts
     * as not answering.
     */
    boolean answers(Duration timeout) throws Exception;
}
