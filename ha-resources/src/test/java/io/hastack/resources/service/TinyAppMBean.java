package io.hastack.resources.service;

/** The management interface of {@link TinyApp}. */
public interface TinyAppMBean {
    /** Always true once the application runs. */
    boolean getReady();
}
