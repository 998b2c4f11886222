package dev.toolgate.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A config field whose name reads like a secret ({@link SecretNames#secretField}) but whose value cannot be one,
 * so the Admin API shows it: a choice among fixed words that the reader refuses anything else for
 * ({@code client_auth: private_key_jwt}), or an object whose own fields are each judged by their names
 * ({@code token_exchange}, whose {@code client_secret} stays masked). Masking by name fails closed; this is the
 * one way out of it, field by field, where Kong's schema chose the name.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT})
public @interface NoSecret {
}
