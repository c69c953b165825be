// The binding's sources expect these namespaces from the build that compiles them (Microsoft's own project adds them).
global using System.Reflection;
