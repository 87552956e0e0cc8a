package io.hastack.resources.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.exec.OperationResult;
import io.hastack.core.exec.ThreadedAgentExecutor;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.testsupport.Prerequisites;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java application agent: a jar with JMX, Debian's Tomcat 10 on a private base, bad input. */
@Tag("integration")
class JavaAppAgentTest {
    @TempDir
    Path dir;

    private final ThreadedAgentExecutor executor = new ThreadedAgentExecutor("java-app-test");
    private final JavaAppAgent agent = new JavaAppAgent();
    private ResourceSpec started;

    @AfterEach
    void stop() {
        if (started != null) {
            call(started, Operation.STOP);
        }
        executor.close();
    }

    private OperationResult call(ResourceSpec spec, Operation op) {
        return executor.call(agent, spec, NodeId.of("n1"), op, 0).join();
    }

    @Test
    void argumentsArriveAsWrittenAndAWrongJmxValueIsUnhealthy() throws Exception {
        Path jar = Servers.tinyAppJar(dir);
        int port = Servers.freePort();
        String nasty = "x; kill -9 $$ `id` | tee /tmp/y";
        started = Servers.tinyApp(jar, port, Servers.freePort())
                .param("arg.1", nasty)
                .build();
        OperationResult start = call(started, Operation.START);
        assertEquals(AgentResult.SUCCESS, start.outcome().result(), start.toString());
        String body = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertEquals("tiny app up; args " + port + " | " + nasty, body);

        ResourceSpec wrongJmx = ResourceSpec.builder("app", JavaAppAgent.TYPE)
                .params(started.parameters())
                .param("jmx-expect", "false")
                .build();
        OperationResult monitor = call(wrongJmx, Operation.MONITOR);
        assertEquals(AgentResult.ERR_GENERIC, monitor.outcome().result());
        assertEquals(
                "JMX io.hastack.test:type=TinyApp Ready is 'true', expected 'false'",
                monitor.outcome().message());
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        ResourceSpec both = ResourceSpec.builder("app", JavaAppAgent.TYPE)
                .param("jar", "/x.jar")
                .param("catalina-base", "/y")
                .param("status-url", "http://127.0.0.1:1/")
                .build();
        assertEquals(
                "resource app: set exactly one of 'catalina-base' (Tomcat), 'jar' (java -jar) and 'classpath'"
                        + " (with 'main-class')",
                call(both, Operation.VALIDATE).outcome().message());
        ResourceSpec noJar = ResourceSpec.builder("app", JavaAppAgent.TYPE)
                .param("jar", dir.resolve("no.jar").toString())
                .param("status-url", "http://127.0.0.1:1/")
                .build();
        assertEquals(
                "resource app: jar " + dir.resolve("no.jar") + " does not exist",
                call(noJar, Operation.VALIDATE).outcome().message());
        ResourceSpec halfJmx = ResourceSpec.builder("app", JavaAppAgent.TYPE)
                .param("jar", "/etc/hostname")
                .param("status-url", "http://127.0.0.1:1/")
                .param("jmx-url", "service:jmx:rmi:///jndi/rmi://h:1/x")
                .build();
        assertTrue(call(halfJmx, Operation.VALIDATE)
                .outcome()
                .message()
                .startsWith("resource app: a JMX check needs all of [jmx-url"));
    }

    @Test
    void tomcatRunsOnAPrivateBaseAndStopsCleanly() throws Exception {
        Path conf = Path.of("/etc/tomcat10");
        Prerequisites.requireExecutable(Path.of(JavaAppAgent.DEFAULT_CATALINA_HOME, "bin/catalina.sh"), "tomcat10");
        Prerequisites.require(Files.isDirectory(conf), conf + " is missing (apt-get install tomcat10)");
        Prerequisites.requireRoot("Tomcat runs as user tomcat: needs root");
        int port = Servers.freePort();
        Path base = dir.resolve("tomcat");
        for (String d : new String[] {"conf", "logs", "temp", "work", "webapps/ROOT"}) {
            Files.createDirectories(base.resolve(d));
        }
        try (Stream<Path> files = Files.list(conf)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, base.resolve("conf").resolve(f.getFileName()));
            }
        }
        Path serverXml = base.resolve("conf/server.xml");
        Files.writeString(serverXml, Files.readString(serverXml).replace("port=\"8080\"", "port=\"" + port + "\""));
        Files.writeString(base.resolve("webapps/ROOT/index.html"), "hello from tomcat\n");
        ResourceSpec spec = ResourceSpec.builder("tomcat", JavaAppAgent.TYPE)
                .param("catalina-base", base.toString())
                .param("user", "tomcat")
                .param("status-url", "http://127.0.0.1:" + port + "/")
                .param("expect-body", "hello from tomcat")
                .param("log", base.resolve("logs/catalina.out").toString())
                .timeout(Operation.START, Duration.ofMinutes(2))
                .build();
        // As Debian runs it, as user tomcat: refused while the base lies in a private directory, or is not its own.
        OperationResult refused = call(spec, Operation.VALIDATE);
        assertEquals(AgentResult.ERR_PERM, refused.outcome().result(), refused.toString());
        assertTrue(refused.outcome().message().contains("user tomcat cannot enter " + dir), refused.toString());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        OperationResult notOwn = call(spec, Operation.VALIDATE);
        assertEquals(AgentResult.ERR_PERM, notOwn.outcome().result(), notOwn.toString());
        assertTrue(notOwn.outcome().message().contains("user tomcat cannot read " + serverXml), notOwn.toString());
        try (Stream<Path> all = Files.walk(base)) {
            UserPrincipal tomcat =
                    base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("tomcat");
            for (Path p : all.toList()) {
                Files.setOwner(p, tomcat);
            }
        }
        started = spec;
        assertEquals(
                AgentResult.NOT_RUNNING,
                call(started, Operation.MONITOR).outcome().result());
        OperationResult start = call(started, Operation.START);
        assertEquals(AgentResult.SUCCESS, start.outcome().result(), start.toString());
        assertEquals(
                AgentResult.SUCCESS, call(started, Operation.MONITOR).outcome().result());
        OperationResult stop = call(started, Operation.STOP);
        assertEquals(AgentResult.SUCCESS, stop.outcome().result(), stop.toString());
        assertTrue(stop.outcome().message().contains("exited with"), "a clean exit on SIGTERM: " + stop);
        assertEquals(
                AgentResult.NOT_RUNNING,
                call(started, Operation.MONITOR).outcome().result());
        started = null;
    }
}
