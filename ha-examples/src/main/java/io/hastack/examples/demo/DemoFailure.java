package io.hastack.examples.demo;

/** Why the demo stopped before it finished: what went wrong and where to look. */
final class DemoFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DemoFailure(String message) {
        super(message);
    }
}
