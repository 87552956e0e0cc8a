package io.hastack.resources.db;

import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.AgentConformance;
import io.hastack.testsupport.Prerequisites;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** Debian's PostgreSQL 15, run by the PostgreSQL agent on a fresh cluster, follows the OCF rules. */
@Tag("integration")
class PostgresConformanceTest extends AgentConformance {
    private static Path dir;
    private final int port = Databases.freePort();

    @BeforeAll
    static void needsPostgres() throws Exception {
        Prerequisites.requireExecutable(PostgresAgent.newestBin().resolve("postgres"), "postgresql");
        Prerequisites.requireRoot("the server runs as user postgres: needs root");
        dir = Databases.sharedTempDir();
    }

    @AfterAll
    static void removeData() {
        Databases.delete(dir);
    }

    @Override
    protected ResourceAgent agent(ResourceSpec spec) {
        return new PostgresAgent();
    }

    @Override
    protected ResourceSpec validSpec() {
        return ResourceSpec.builder("db", PostgresAgent.TYPE)
                .param("data-directory", dir.resolve("data").toString())
                .param("port", Integer.toString(port))
                .param("initdb", "true")
                .timeout(Operation.START, Duration.ofSeconds(60))
                .build();
    }

    @Override
    protected ResourceSpec specMissingRequired() {
        return ResourceSpec.builder("db", PostgresAgent.TYPE)
                .param("port", Integer.toString(port))
                .build();
    }

    @Override
    protected List<String> missingRequired() {
        return List.of("data-directory");
    }
}
