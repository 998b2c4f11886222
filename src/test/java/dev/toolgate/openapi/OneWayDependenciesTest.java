package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a dropped one-way property leaves behind in the keywords that name properties besides {@code required}. */
class OneWayDependenciesTest {

    @Test
    void aDependentRequiredThatNamesAReadOnlyPropertyNoLongerDemandsItOfArguments() {
        ToolGenerator.Generated generated = SchemaConverterTest.generate("""
                openapi: 3.1.0
                info: {title: t, version: "1"}
                paths:
                  /cards:
                    post:
                      operationId: addCard
                      requestBody:
                        content:
                          application/json:
                            schema:
                              type: object
                              properties:
                                number: {type: string}
                                expiry: {type: string}
                                token: {type: string, readOnly: true}
                              dependentRequired: {number: [expiry, token]}
                      responses:
                        "204": {description: added}
                """, "cards.yaml");

        JsonNode body = generated.tools().getFirst().requestBody().at("/content/application~1json/schema");

        assertThat(body.at("/dependentRequired").toString()).as("%s", body).isEqualTo("{\"number\":[\"expiry\"]}");
    }
}
