package io.hastack.resources.service;

import com.sun.net.httpserver.HttpServer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.management.ObjectName;

/**
 * A tiny Java application for the java -jar tests: serves {@code /health} on the port given as its
 * argument and publishes the MBean {@code io.hastack.test:type=TinyApp} with attribute {@code Ready}.
 */
public final class TinyApp implements TinyAppMBean {
    private TinyApp() {}

    @Override
    public boolean getReady() {
        return true;
    }

    /** Runs until killed. */
    public static void main(String[] args) throws Exception {
        ManagementFactory.getPlatformMBeanServer()
                .registerMBean(new TinyApp(), new ObjectName("io.hastack.test:type=TinyApp"));
        HttpServer server = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 0);
        server.createContext("/health", exchange -> {
            byte[] body = ("tiny app up; args " + String.join(" | ", args)).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }
}
