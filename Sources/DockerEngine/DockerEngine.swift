/// The Docker Engine API client, spoken over libcurl.
public enum DockerEngineModule {}
