/**
 * The one family of refusals ({@link dev.toolgate.error.GatewayError}) and the one table of what each answers ({@link dev.toolgate.error.ErrorCatalog}).
 */
package dev.toolgate.error;
