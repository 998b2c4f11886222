/**
 * OpenAPI 2.0/3.0/3.1 documents turned into Kong tool definitions, and back out as Kong files.
 */
package dev.toolgate.openapi;
