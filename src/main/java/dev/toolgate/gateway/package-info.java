/**
 * Wiring: a running Toolgate, its snapshot of the configuration (build, provision, swap) and the plugins it implements.
 */
package dev.toolgate.gateway;
