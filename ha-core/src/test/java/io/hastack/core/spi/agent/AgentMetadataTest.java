package io.hastack.core.spi.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ResourceSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Issue 14: parameters a resource sets that its agent does not declare are found, with the closest name. */
@Tag("unit")
class AgentMetadataTest {
    private static final AgentMetadata METADATA = new AgentMetadata(
            "process",
            "",
            List.of(
                    new AgentMetadata.Parameter("argv.0", true, "", ""),
                    new AgentMetadata.Parameter("argv.N", false, "", ""),
                    new AgentMetadata.Parameter("env.NAME", false, "", ""),
                    new AgentMetadata.Parameter("directory", false, "", ""),
                    new AgentMetadata.Parameter("log", false, "", "")));

    @Test
    void templatesMatchTheirInstances() {
        assertTrue(METADATA.declares("argv.0"));
        assertTrue(METADATA.declares("argv.12"));
        assertFalse(METADATA.declares("argv.x"));
        assertFalse(METADATA.declares("argv."));
        assertTrue(METADATA.declares("env.JAVA_HOME"));
        assertFalse(METADATA.declares("env."));
        assertTrue(METADATA.declares("log"));
        assertFalse(METADATA.declares("logs."));
    }

    @Test
    void theClosestDeclaredNameIsSuggestedWhenItIsClose() {
        assertEquals(Optional.of("directory"), METADATA.closest("directroy"));
        assertEquals(Optional.of("directory"), METADATA.closest("Directory"));
        assertEquals(Optional.of("log"), METADATA.closest("lgo"));
        assertEquals(Optional.of("argv.1"), METADATA.closest("arg.1"));
        assertEquals(Optional.of("env.PATH"), METADATA.closest("evn.PATH"));
        assertEquals(Optional.empty(), METADATA.closest("colour"));
        assertEquals(1, io.hastack.core.internal.Names.distance("prot", "port"));
        assertEquals(3, io.hastack.core.internal.Names.distance("kitten", "sitting"));
    }

    @Test
    void unknownAndMissingParametersOfASpecAreListed() {
        ResourceSpec spec = ResourceSpec.builder("web", "process")
                .param("argv.1", "x")
                .param("directroy", "/srv")
                .param("env.HOME", "/root")
                .build();
        assertEquals(List.of("argv.0"), METADATA.missingParameters(spec));
        List<UnknownParameter> unknown = METADATA.unknownParameters(spec);
        assertEquals(1, unknown.size());
        assertEquals(
                "resource web: parameter 'directroy' is not declared by agent 'process'; did you mean 'directory'?",
                unknown.get(0).message());
        assertEquals(
                List.of(),
                new AgentMetadata("witness", "", List.of()).unknownParameters(spec),
                "an agent that declares nothing accepts everything");
    }
}
