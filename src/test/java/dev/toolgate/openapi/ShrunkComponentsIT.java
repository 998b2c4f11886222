package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A component left out of a tool's schema to keep it small only loosens what the schema checks, also
 * where the document uses it under {@code oneOf} or {@code not}: a real API's valid answer stays valid.
 */
@Timeout(60)
class ShrunkComponentsIT {

    static final Path GITHUB = RealDocumentsTest.FIXTURES.resolve("github-rest-api-v3.0.json");
    static RestUpstream upstream;
    static TestGateway gateway;
    static String privateUser;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isRegularFile(GITHUB), "the fixtures folder ../shared/fixtures/openapi is absent");
        String document = Files.readString(GITHUB);
        // the document's own example of GET /user's answer with private profile information
        privateUser = new ObjectMapper().readTree(document)
                .at("/components/examples/private-user-response-with-public-and-private-profile-information/value").toString();
        upstream = new RestUpstream().json("GET /user", 200, privateUser);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: github
                    url: %s
                    routes:
                      - name: github-mcp
                        paths: [/github-mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              openapi:
                                spec: github.json
                                include: ["users/get-authenticated"]
                """.formatted(upstream.url()), Map.of(), false, Map.of("github.json", document));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
            upstream.close();
        }
    }

    @Test
    void githubsPrivateUserAnswerToGetUserIsStructuredContentThoughPublicUserIsShrunkUnderOneOf() {
        McpHttp mcp = new McpHttp(gateway.proxy("/github-mcp"));
        mcp.initialize("2025-11-25");
        JsonNode tool = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().at("/result/tools/0");
        assertThat(tool.at("/outputSchema").toString()).as("a component is shrunk").contains("not expanded here");

        JsonNode result = mcp.call(tool.get("name").asText(), "{}");

        assertThat(result.get("isError").asBoolean()).as(result.toString()).isFalse();
        // an answer that is no object (the root is a oneOf) is served wrapped
        assertThat(result.at("/structuredContent/result/login").asText()).as(result.toString()).isEqualTo("octocat");
    }
}
